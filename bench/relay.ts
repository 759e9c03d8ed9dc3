import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { percentile } from './harness/stats';
import type { BenchRow } from './harness/types';
import { freePort } from '../extension/src/core/sync/freePort';
import type { FanoutConfig, FanoutResult, JoinConfig, JoinResult, StepResult } from './relay/loadgen';
import { processCpuMs, processRssMb } from './relay/procStats';

// Our relay vs the reference y-websocket server (y-websocket@2's bin/server.cjs, no persistence) under
// the same load from the same generator. Each server runs in its own process pinned to core 0
// (`taskset -c 0`), the generator on core 1. Relay CPU and RSS come from /proc/<pid>.
//   fan-out: 100 rooms × 10 viewers, one writer per room, a rising rate per room; short windows
//            (1 s warm-up + 3 s measured per step) keep the whole bench to a few minutes
//   cold join of one stock client to a 50 MB document, then 50 raw joiners at once
// Our relay runs with its store in memory for the comparison (the reference has none); one extra
// fan-out step runs ours with the durable on-disk log.

export const description = 'relay fan-out (100 rooms × 10 viewers) and 50 MB joins: ours vs the reference y-websocket server';

const ROOT = path.resolve(__dirname, '..');
const RATES = [10, 20, 40, 80];
const STEP_SECONDS = 3;
const P99_TARGET_MS = 50;

type Server = { child: ChildProcess; url: string; pid: number };

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const ours = await fanoutFor('ours');
  const ref = await fanoutFor('ref');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-relay-'));
  const durable = await fanoutFor('ours', ['--data', dataDir], [10]);
  fs.rmSync(dataDir, { recursive: true, force: true });

  const base = (r: typeof ours) => r.steps.find((s) => s.rate === 10) as StepResult;
  const o = base(ours);
  const p = base(ref);
  const d = durable.steps[0];
  const label = `100 rooms × 10 viewers @ 10 lines/s/room`;
  rows.push(
    { metric: `fan-out p50, ${label}`, value: o.p50, unit: 'ms', peer: `reference ${fmt(p.p50)} ms`, ratio: o.p50 / p.p50, target: '≤ 10 ms', ok: o.p50 <= 10 },
    { metric: `fan-out p99, ${label}`, value: o.p99, unit: 'ms', peer: `reference ${fmt(p.p99)} ms`, ratio: o.p99 / p.p99, target: `≤ ${P99_TARGET_MS} ms`, ok: o.p99 <= P99_TARGET_MS },
    { metric: `fan-out max, ${label}`, value: o.max, unit: 'ms', peer: `reference ${fmt(p.max)} ms`, ratio: o.max / p.max },
    { metric: `fan-out delivered, ${label}`, value: (100 * o.delivered) / o.expected, unit: '%', peer: `reference ${fmt((100 * p.delivered) / p.expected)} %`, target: '100 %', ok: o.delivered === o.expected },
    { metric: `relay CPU, ${label}`, value: o.relayCpuPercent, unit: '% core', peer: `reference ${fmt(p.relayCpuPercent)} %`, ratio: o.relayCpuPercent / p.relayCpuPercent },
    { metric: `relay CPU per delivered line (all steps)`, value: cpuPerDelivery(ours.steps), unit: 'µs', peer: `reference ${fmt(cpuPerDelivery(ref.steps))} µs`, ratio: cpuPerDelivery(ours.steps) / cpuPerDelivery(ref.steps) },
    { metric: `generator event-loop delay p99 (a busy generator invalidates latencies)`, value: Math.max(o.generatorDelayP99, p.generatorDelayP99), unit: 'ms', target: '≤ 20 ms', ok: Math.max(o.generatorDelayP99, p.generatorDelayP99) <= 20 },
    { metric: `relay peak RSS, fan-out`, value: ours.peakRss, unit: 'MB', peer: `reference ${fmt(ref.peakRss)} MB`, ratio: ours.peakRss / ref.peakRss },
    { metric: `fan-out p99 with the durable log (fsync), ${label}`, value: d.p99, unit: 'ms', peer: `in memory ${fmt(o.p99)} ms`, ratio: d.p99 / o.p99, target: `≤ ${P99_TARGET_MS} ms`, ok: d.p99 <= P99_TARGET_MS },
  );
  const oursRate = sustained(ours.steps);
  const refRate = sustained(ref.steps);
  rows.push({
    metric: `highest rate with p99 ≤ ${P99_TARGET_MS} ms and 100 % delivered (steps ${RATES.join('/')} lines/s/room)`,
    value: oursRate * 100,
    unit: 'lines/s',
    peer: `reference ${refRate * 100} lines/s`,
    ratio: refRate > 0 ? oursRate / refRate : undefined,
    target: '≥ 1.5× reference',
    ok: refRate > 0 ? oursRate >= 1.5 * refRate : oursRate > 0,
  });
  for (const s of ours.steps) {
    const r = ref.steps.find((x) => x.rate === s.rate) as StepResult;
    rows.push({
      metric: `fan-out p99 @ ${s.rate} lines/s/room (${s.rate * 1000} deliveries/s)`,
      value: s.p99,
      unit: 'ms',
      peer: `reference ${fmt(r.p99)} ms, ${fmt((100 * r.delivered) / r.expected)} % delivered`,
      ratio: s.p99 / r.p99,
    });
  }

  const joinOurs = await joinFor('ours');
  const joinRef = await joinFor('ref');
  const mb = (joinOurs.docBytes / 1e6).toFixed(0);
  const storm = (j: typeof joinOurs, q: number) => percentile(j.stormMs, q);
  rows.push(
    { metric: `cold join of one stock client, ${mb} MB doc`, value: joinOurs.singleJoinMs, unit: 'ms', peer: `reference ${fmt(joinRef.singleJoinMs)} ms`, ratio: joinOurs.singleJoinMs / joinRef.singleJoinMs, target: '≤ 1000 ms', ok: joinOurs.singleJoinMs <= 1000 },
    { metric: `50 joiners at once, p50`, value: storm(joinOurs, 50), unit: 'ms', peer: `reference ${fmt(storm(joinRef, 50))} ms`, ratio: storm(joinOurs, 50) / storm(joinRef, 50) },
    { metric: `50 joiners at once, p99`, value: storm(joinOurs, 99), unit: 'ms', peer: `reference ${fmt(storm(joinRef, 99))} ms`, ratio: storm(joinOurs, 99) / storm(joinRef, 99), target: '≤ 5000 ms', ok: storm(joinOurs, 99) <= 5000 && joinOurs.stormFailures === 0 },
    { metric: `relay peak RSS, 50 joiners`, value: joinOurs.peakRss, unit: 'MB', peer: `reference ${fmt(joinRef.peakRss)} MB`, ratio: joinOurs.peakRss / joinRef.peakRss },
    { metric: `relay CPU time, 50 joiners`, value: joinOurs.stormCpuMs, unit: 'ms', peer: `reference ${fmt(joinRef.stormCpuMs)} ms`, ratio: joinOurs.stormCpuMs / joinRef.stormCpuMs },
  );
  return rows;
}

/** Relay CPU time per delivered line: what fan-out costs, independent of how busy the machine is. */
function cpuPerDelivery(steps: StepResult[]): number {
  const cpu = steps.reduce((n, s) => n + s.relayCpuMs, 0);
  const delivered = steps.reduce((n, s) => n + s.delivered, 0);
  return (cpu * 1000) / delivered;
}

function sustained(steps: StepResult[]): number {
  let best = 0;
  for (const s of steps) if (s.p99 <= P99_TARGET_MS && s.delivered === s.expected) best = s.rate;
  return best;
}

async function fanoutFor(flavor: 'ours' | 'ref', args: string[] = [], rates = RATES) {
  const server = await startServer(flavor, args);
  try {
    const sampler = sample(server.pid);
    const cfg: FanoutConfig = { kind: 'fanout', url: server.url, relayPid: server.pid, rooms: 100, viewers: 10, steps: rates.map((rate) => ({ rate, seconds: STEP_SECONDS })), warmupSeconds: 1 };
    const result = (await generate(cfg)) as FanoutResult;
    const usage = sampler.stop();
    for (const s of result.steps) {
      process.stderr.write(`  ${flavor}${args.length ? ' (durable)' : ''} @ ${s.rate}/s/room: p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms, ${s.delivered}/${s.expected} delivered, relay CPU ${fmt(s.relayCpuPercent)} %, generator delay p99 ${fmt(s.generatorDelayP99)} ms\n`);
    }
    return { steps: result.steps, peakRss: usage.peakRssMb };
  } finally {
    await stopServer(server);
  }
}

async function joinFor(flavor: 'ours' | 'ref') {
  const server = await startServer(flavor, []);
  try {
    const sampler = sample(server.pid);
    const cfg: JoinConfig = { kind: 'join', url: server.url, ours: flavor === 'ours', docBytes: 50 * 1024 * 1024, joiners: 50 };
    const result = (await generate(cfg)) as JoinResult;
    const usage = sampler.stop();
    process.stderr.write(`  ${flavor} join: push ${fmt(result.pushMs)} ms, one join ${fmt(result.singleJoinMs)} ms, 50 joins p99 ${fmt(percentile(result.stormMs, 99))} ms (${result.stormFailures} failed), relay peak RSS ${fmt(usage.peakRssMb)} MB\n`);
    return { ...result, peakRss: usage.peakRssMb, stormCpuMs: usage.cpuMs };
  } finally {
    await stopServer(server);
  }
}

function startServer(flavor: 'ours' | 'ref', args: string[]): Promise<Server> {
  return new Promise((resolve, reject) => {
    void freePort().then((port) => {
      const env = { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port) };
      const cmd =
        flavor === 'ours'
          ? ['taskset', '-c', '0', process.execPath, '--max-old-space-size=4096', '--import', 'tsx', path.join(__dirname, 'relay/ourRelay.ts'), ...args]
          : ['taskset', '-c', '0', process.execPath, '--max-old-space-size=4096', path.join(ROOT, 'node_modules/y-websocket-ref/bin/server.cjs')];
      const child = spawn(cmd[0], cmd.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const ours = /listening (http\S+)/.exec(out);
        if (ours || /running at/.test(out)) resolve({ child, url: ours ? ours[1] : `http://127.0.0.1:${port}`, pid: child.pid as number });
      });
      child.once('exit', (code) => reject(new Error(`${flavor} relay exited with ${code}`)));
    }, reject);
  });
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function generate(cfg: FanoutConfig | JoinConfig): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', '1', process.execPath, '--max-old-space-size=8192', '--import', 'tsx', path.join(__dirname, 'relay/loadgen.ts'), JSON.stringify(cfg)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string)) : reject(new Error(`the load generator exited with ${code}`))));
  });
}

/** Samples a process's CPU time and RSS from /proc every 100 ms. */
function sample(pid: number) {
  const rssMb = () => processRssMb(pid);
  const t0 = performance.now();
  const c0 = processCpuMs(pid);
  let peak = rssMb();
  const timer = setInterval(() => (peak = Math.max(peak, rssMb())), 100);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, rssMb());
      const cpuMs = processCpuMs(pid) - c0;
      return { cpuMs, cpuPercent: (100 * cpuMs) / (performance.now() - t0), peakRssMb: peak };
    },
  };
}


function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}
