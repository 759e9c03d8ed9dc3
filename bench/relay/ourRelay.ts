import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { createJsonLogger } from '../../relay/src/logger';
import { followParentIfRelaunched, relaunchWithSingleThreadedGcOnOneCore } from '../../relay/src/oneCoreGc';
import { startRelay } from '../../relay/src/startRelay';

// Our relay as the bench runs it: admission limits opened up (every client comes from 127.0.0.1 and a
// thousand of them connect within a second), everything else default. `--data DIR` turns on the
// durable log and `--redis URL` keeps rooms in Redis (a scale-out node); without either rooms live in
// memory, like the reference server without persistence.

async function main(): Promise<void> {
  // as `tandem relay` does on one core (the bench pins the relay to one); it prints its own pid, so the
  // bench measures the relay and not the parent that waits for it
  const relaunched = relaunchWithSingleThreadedGcOnOneCore();
  if (relaunched) {
    process.exitCode = await relaunched;
    return;
  }
  followParentIfRelaunched();
  const dataIndex = process.argv.indexOf('--data');
  const redisIndex = process.argv.indexOf('--redis');
  const relay = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir: dataIndex > 0 ? process.argv[dataIndex + 1] : undefined,
    redisUrl: redisIndex > 0 ? process.argv[redisIndex + 1] : undefined,
    log: createJsonLogger((line) => process.stderr.write(line), 'warn'),
    limits: { upgradesPerSecond: 1e6, upgradeBurst: 1e6, maxPendingPerIp: 1e6, maxConnectionsPerIp: 1e6, maxConnectionsPerToken: 1e6, maxPayloadHost: 128 * 1024 * 1024 },
  });
  process.stdout.write(`listening ${relay.url} pid ${process.pid}\n`);
  if (process.env.TANDEM_BENCH_LOOP_REPORT) reportLoop(Number(process.env.TANDEM_BENCH_LOOP_REPORT));
  process.once('SIGTERM', () => void relay.close().then(() => process.exit(0)));
}

void main();

/** While profiling: the relay's own event-loop delay and GC pauses every `ms`, to tell its stalls from the machine's. */
function reportLoop(ms: number): void {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let gc = { n: 0, total: 0, max: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc = { n: gc.n + 1, total: gc.total + e.duration, max: Math.max(gc.max, e.duration) };
  }).observe({ entryTypes: ['gc'] });
  setInterval(() => {
    const f = (ns: number) => (ns / 1e6).toFixed(1);
    process.stderr.write(`  relay loop delay p50 ${f(loop.percentile(50))} p99 ${f(loop.percentile(99))} max ${f(loop.max)} ms; gc ${gc.n}× total ${gc.total.toFixed(0)} max ${gc.max.toFixed(1)} ms; heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB\n`);
    loop.reset();
    gc = { n: 0, total: 0, max: 0 };
  }, ms).unref();
}
