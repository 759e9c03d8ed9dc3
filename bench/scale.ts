import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { BenchRow } from './harness/types';
import { freePort } from '../extension/src/core/sync/freePort';
import type { FanoutConfig, FanoutResult, StepResult } from './relay/loadgen';
import { buildServers, fmt, generate, startServer, stopServer } from './relay/servers';

// Scale-out: two of our relay nodes sharing rooms through a real redis-server, writers on node A and
// each room's viewers split across A and B, against one node alone under the same load (same
// generator, same ladder, alternating). Where the processes run (PLACEMENT, printed with the results):
//   fewer than 4 cores: the relay system (both nodes and Redis) on core 0, the generator on core 1, so
//     the two-node system gets no more CPU than the single node: this measures the cost of the hop
//     on one core, which a deployment does not pay (its nodes have cores of their own);
//   4 cores or more: node A, node B and Redis on cores 0, 1 and 2, as in a deployment, the generator on
//     core 3; the single node on core 0.
// TANDEM_BENCH_SCALE_CORES=a,b,redis,generator sets it (e.g. 0,0,0,1 to repeat a 2-core run on a big machine).
//   100 rooms × 10 viewers (1,000 viewers), a ladder of lines/s/room, 2 ladders each; p99 per rate is
//   the worse of the two. Also Redis memory per MB of transcript it holds.
// The peer: two Hocuspocus nodes with their Redis extension on the same kind of Redis, under the same
// load (the generator speaks Hocuspocus's framing to them).

export const description = 'scale-out: 2 relay nodes + Redis (viewers split across nodes) vs 1 node and vs 2 Hocuspocus nodes + Redis, 100 rooms × 10 viewers';

// TANDEM_BENCH_SCALE_RATES=10,20 and TANDEM_BENCH_SCALE_REPS=1 shorten a run (about 6 min as set here)
const RATES = (process.env.TANDEM_BENCH_SCALE_RATES ?? '10,20,30,40,50,60').split(',').map(Number);
const REPS = Number(process.env.TANDEM_BENCH_SCALE_REPS ?? 2);
const STEP_SECONDS = 6;
const P99_TARGET_MS = 50;

type Ladder = StepResult[];

type Placement = { a: number; b: number; redis: number; generator: number };
const PLACEMENT: Placement = (() => {
  const set = process.env.TANDEM_BENCH_SCALE_CORES?.split(',').map(Number);
  const [a, b, redis, generator] = set?.length === 4 && set.every((n) => Number.isInteger(n) && n >= 0) ? set : os.availableParallelism() >= 4 ? [0, 1, 2, 3] : [0, 0, 0, 1];
  return { a, b, redis, generator };
})();

export async function run(): Promise<BenchRow[]> {
  const { a, b, redis, generator } = PLACEMENT;
  process.stderr.write(`  placement: node A on core ${a}, node B on core ${b}, Redis on core ${redis}, the generator on core ${generator} (one node: core ${a})\n`);
  const built = await buildServers();
  try {
    const single: Ladder[] = [];
    const cross: Ladder[] = [];
    const peer: Ladder[] = [];
    let redisMbPerMb = NaN;
    for (let rep = 1; rep <= REPS; rep++) {
      single.push(await ladder('1 node', rep, async () => {
        const node = await startServer(built.dir, 'ours', [], a);
        return { writerUrl: node.url, viewerUrls: [node.url], pids: [node.pid], stop: () => stopServer(node) };
      }));
      cross.push(await ladder('2 nodes', rep, () => twoNodes(built.dir, 'ours', (mb) => (redisMbPerMb = mb))));
      peer.push(await ladder('2 Hocuspocus nodes', rep, () => twoNodes(built.dir, 'hocuspocus')));
    }
    const rows: BenchRow[] = [];
    for (const rate of RATES) {
      const s = worst(single, rate);
      const c = worst(cross, rate);
      if (!s && !c) continue;
      rows.push({
        metric: `cross-node p99 @ ${rate} lines/s/room (writer on A, viewers on A and B), worse of ${REPS}`,
        value: c ? c.p99 : NaN,
        unit: 'ms',
        peer: `1 node ${s ? `${fmt(s.p99)} ms` : 'stopped'}`,
        ratio: c && s ? c.p99 / s.p99 : undefined,
        target: '≤ 1.5× one node, ≤ 50 ms',
        ok: Boolean(c && s && c.delivered === c.expected && c.p99 <= Math.max(1.5 * s.p99, 5) && c.p99 <= P99_TARGET_MS),
      });
      if (c) rows.push({ metric: `cross-node p50 @ ${rate} lines/s/room`, value: c.p50, unit: 'ms', peer: `1 node ${s ? `${fmt(s.p50)} ms` : 'stopped'}`, ratio: s ? c.p50 / s.p50 : undefined });
    }
    const sustained = (ladders: Ladder[]) => {
      let best = 0;
      for (const rate of RATES) {
        const st = worst(ladders, rate);
        if (st && st.delivered === st.expected && st.p99 <= P99_TARGET_MS) best = rate;
        else break;
      }
      return best;
    };
    const top = RATES[RATES.length - 1];
    rows.push({
      metric: `2 nodes: highest rate with p99 ≤ ${P99_TARGET_MS} ms and 100 % delivered there and below (${RATES[0]}–${top} lines/s/room)`,
      value: sustained(cross) * 100,
      unit: 'lines/s',
      peer: `Hocuspocus pair ${sustained(peer) * 100} lines/s; 1 node ${sustained(single) * 100} lines/s`,
      ratio: sustained(peer) > 0 ? sustained(cross) / sustained(peer) : undefined,
      target: '> the Hocuspocus pair (or both at the top of the ladder)',
      ok: sustained(cross) > sustained(peer) || (sustained(cross) === top && sustained(peer) === top),
    });
    for (const rate of RATES) {
      const h = worst(peer, rate);
      const c = worst(cross, rate);
      if (h || c) rows.push({ metric: `Hocuspocus pair p99 @ ${rate} lines/s/room, worse of ${REPS}`, value: h ? h.p99 : NaN, unit: 'ms', peer: `ours (2 nodes) ${c ? `${fmt(c.p99)} ms` : 'stopped'}`, ratio: h && c ? c.p99 / h.p99 : undefined });
    }
    const c0 = worst(cross, RATES[0]);
    const s0 = worst(single, RATES[0]);
    if (c0 && s0) rows.push({ metric: `relay system CPU @ ${RATES[0]} lines/s/room (2 nodes + Redis on cores ${a}, ${b}, ${redis} vs 1 node on core ${a})`, value: c0.relayCpuPercent, unit: '% core', peer: `1 node ${fmt(s0.relayCpuPercent)} %`, ratio: c0.relayCpuPercent / s0.relayCpuPercent });
    rows.push({ metric: 'Redis memory per MB of transcript it holds (after the ladder)', value: redisMbPerMb, unit: 'MB/MB', target: '≤ 3', ok: redisMbPerMb <= 3 });
    return rows;
  } finally {
    built.dispose();
  }
}

type System = { writerUrl: string; viewerUrls: string[]; pids: number[]; hocuspocus?: boolean; stop(): Promise<void> };

async function ladder(name: string, rep: number, start: () => Promise<System>): Promise<Ladder> {
  const system = await start();
  try {
    const cfg: FanoutConfig = {
      kind: 'fanout',
      url: system.writerUrl,
      viewerUrls: system.viewerUrls,
      hocuspocus: system.hocuspocus,
      relayPid: system.pids[0],
      otherPids: system.pids.slice(1),
      rooms: 100,
      viewers: 10,
      steps: RATES.map((rate) => ({ rate, seconds: STEP_SECONDS })),
      firstWarmupSeconds: 5,
      warmupSeconds: 1,
      stopAboveP99Ms: 4 * P99_TARGET_MS,
    };
    const result = (await generate(cfg, PLACEMENT.generator)) as FanoutResult;
    for (const s of result.steps) {
      process.stderr.write(`  ${name} #${rep} @ ${s.rate}/s/room: p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms, ${s.delivered}/${s.expected} delivered, system CPU ${fmt(s.relayCpuPercent)} %\n`);
    }
    return result.steps;
  } finally {
    await system.stop();
  }
}

/** Two nodes of `flavor` on one fresh Redis, the writer on the first; `onRedisMemory` hears Redis MB per transcript MB at the end. */
async function twoNodes(bundles: string, flavor: 'ours' | 'hocuspocus', onRedisMemory?: (mbPerMb: number) => void): Promise<System> {
  const redis = await RedisProcess.start(PLACEMENT.redis);
  const a = await startServer(bundles, flavor, ['--redis', redis.url], PLACEMENT.a);
  const b = await startServer(bundles, flavor, ['--redis', redis.url], PLACEMENT.b);
  return {
    writerUrl: a.url,
    viewerUrls: [a.url, b.url],
    pids: [a.pid, b.pid, redis.pid],
    hocuspocus: flavor === 'hocuspocus',
    stop: async () => {
      if (onRedisMemory) onRedisMemory(await redis.memoryPerTranscriptMb());
      await Promise.all([stopServer(a), stopServer(b)]);
      await redis.stop();
    },
  };
}

function worst(ladders: Ladder[], rate: number): StepResult | undefined {
  const steps = ladders.map((l) => l.find((s) => s.rate === rate));
  if (steps.some((s) => !s)) return undefined;
  return (steps as StepResult[]).sort((a, b) => b.p99 - a.p99)[0];
}

/** redis-server pinned to `core`, persistence off (a fair peer of the in-memory single node). */
class RedisProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly port: number,
    private readonly dir: string,
    private readonly client: Redis,
    private readonly baseline: number,
  ) {}

  static async start(core: number): Promise<RedisProcess> {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-redis-'));
    const child = spawn('taskset', ['-c', String(core), 'redis-server', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    // retries every 50 ms until redis-server listens (10 s at most)
    const client = new Redis(port, '127.0.0.1', { retryStrategy: (n) => (n > 200 ? null : 50) });
    client.on('error', () => undefined);
    const up = await new Promise<boolean>((resolve) => {
      client.once('ready', () => resolve(true));
      client.once('end', () => resolve(false));
    });
    if (!up) {
      child.kill('SIGKILL');
      throw new Error('redis-server did not start within 10 s (apt-get install redis-server)');
    }
    return new RedisProcess(child, port, dir, client, usedMemory(await client.info('memory')));
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Redis memory grown since it started, over the bytes of Yjs updates it holds. */
  async memoryPerTranscriptMb(): Promise<number> {
    const used = usedMemory(await this.client.info('memory')) - this.baseline;
    let bytes = 0;
    for (const key of await this.client.keys('tandem:room:*')) {
      if (key.endsWith(':log')) for (const [, fields] of await this.client.xrangeBuffer(key, '-', '+')) bytes += fields[3]?.length ?? 0;
      else if (key.endsWith(':snap')) bytes += (await this.client.hgetBuffer(key, 'state'))?.length ?? 0;
    }
    return bytes > 0 ? used / bytes : NaN;
  }

  async stop(): Promise<void> {
    this.client.disconnect();
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await gone;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function usedMemory(info: string): number {
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}
