import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { percentile } from './harness/stats';
import type { BenchRow } from './harness/types';
import type { FanoutConfig, FanoutResult, JoinConfig, JoinResult, StepResult } from './relay/loadgen';
import { processCpuMs, processRssMb } from './relay/procStats';
import { buildServers, fmt, generate, startServer, stopServer, type Flavor } from './relay/servers';

// Our relay vs the reference y-websocket server (y-websocket@2's bin/server.cjs, no persistence) under
// the same load from the same generator. Each server runs in its own process pinned to core 0
// (`taskset -c 0`), the generator on core 1. Relay CPU and RSS come from /proc/<pid>.
//   fan-out: 100 rooms × 10 viewers, one writer per room, a ladder of rates per room (5 s warm-up, then
//            1 s + 6 s measured per step; a relay's ladder ends after a step it could not keep up with).
//            The ladder runs REPS times per server, alternating ours, the reference and the floor (a bare
//            forwarder: no auth, no Yjs, no storage, one write per viewer per update, bench/relay/
//            bareForwarder.ts) so machine noise falls on all three; each rate's p99 is the median over
//            the repetitions. The floor bounds what any relay can sustain on this machine.
//   cold join of one stock client to a 50 MB document, then 50 raw joiners at once
// Our relay runs with its store in memory for the comparison (the reference has none); one extra
// fan-out step runs ours with the durable on-disk log. Ours and the floor run as bundles, as users
// run the relay (no TypeScript loader in the measured process).

export const description = 'relay fan-out (100 rooms × 10 viewers) and 50 MB joins: ours vs the reference y-websocket server';

// Narrowed runs while working: TANDEM_BENCH_RELAY_RATES=20,30 TANDEM_BENCH_RELAY_REPS=1
// TANDEM_BENCH_RELAY_PARTS=fanout (of fanout,durable,join). Rows then cover only what ran.
const RATES = (process.env.TANDEM_BENCH_RELAY_RATES ?? '10,20,30,40,50,60,70,80,90,100').split(',').map(Number);
const REPS = Number(process.env.TANDEM_BENCH_RELAY_REPS ?? 3);
const PARTS = new Set((process.env.TANDEM_BENCH_RELAY_PARTS ?? 'fanout,durable,join').split(','));
const STEP_SECONDS = 6;
const P99_TARGET_MS = 50;

type Ladder = { steps: StepResult[] };

let bundles = '';

export async function run(): Promise<BenchRow[]> {
  const built = await buildServers();
  bundles = built.dir;
  try {
    return await measure();
  } finally {
    built.dispose();
  }
}

async function measure(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const ours: Ladder[] = [];
  const ref: Ladder[] = [];
  const floor: Ladder[] = [];
  for (let rep = 1; rep <= REPS; rep++) {
    ours.push(await fanoutFor('ours', rep));
    ref.push(await fanoutFor('ref', rep));
    floor.push(await fanoutFor('floor', rep));
  }
  const durable = PARTS.has('durable') ? await durableStep() : null;

  const o = medianStep(ours, RATES[0]) as StepResult; // every ladder measures its first rate
  const p = medianStep(ref, RATES[0]) as StepResult;
  const label = `100 rooms × 10 viewers @ ${RATES[0]} lines/s/room`;
  const common = Math.min(...[...ours, ...ref].map((l) => l.steps[l.steps.length - 1].rate));
  const rssAt = (ladders: Ladder[], rate: number) => Math.max(...ladders.map((l) => l.steps.find((s) => s.rate === rate)?.relayRssMb ?? 0));
  rows.push(
    { metric: `fan-out p50, ${label}`, value: o.p50, unit: 'ms', peer: `reference ${fmt(p.p50)} ms`, ratio: o.p50 / p.p50, target: '≤ 10 ms', ok: o.p50 <= 10 },
    { metric: `fan-out p99, ${label}`, value: o.p99, unit: 'ms', peer: `reference ${fmt(p.p99)} ms`, ratio: o.p99 / p.p99, target: `≤ ${P99_TARGET_MS} ms`, ok: o.p99 <= P99_TARGET_MS },
    { metric: `fan-out max, ${label}`, value: o.max, unit: 'ms', peer: `reference ${fmt(p.max)} ms`, ratio: o.max / p.max },
    { metric: `fan-out delivered, ${label}`, value: (100 * o.delivered) / o.expected, unit: '%', peer: `reference ${fmt((100 * p.delivered) / p.expected)} %`, target: '100 %', ok: o.delivered === o.expected },
    { metric: `relay CPU, ${label}`, value: o.relayCpuPercent, unit: '% core', peer: `reference ${fmt(p.relayCpuPercent)} %`, ratio: o.relayCpuPercent / p.relayCpuPercent },
    { metric: `relay CPU per delivered line (all steps)`, value: cpuPerDelivery(ours), unit: 'µs', peer: `reference ${fmt(cpuPerDelivery(ref))} µs`, ratio: cpuPerDelivery(ours) / cpuPerDelivery(ref) },
    { metric: `generator event-loop delay p99 (a busy generator invalidates latencies)`, value: Math.max(o.generatorDelayP99, p.generatorDelayP99), unit: 'ms', target: '≤ 20 ms', ok: Math.max(o.generatorDelayP99, p.generatorDelayP99) <= 20 },
    { metric: `relay RSS after ${common} lines/s/room, the last step every ladder ran (same data held)`, value: rssAt(ours, common), unit: 'MB', peer: `reference ${fmt(rssAt(ref, common))} MB`, ratio: rssAt(ours, common) / rssAt(ref, common) },
  );
  if (durable) {
    rows.push({ metric: `fan-out p99 with the durable log (fsync), ${label}`, value: durable.p99, unit: 'ms', peer: `in memory ${fmt(o.p99)} ms`, ratio: durable.p99 / o.p99, target: `≤ ${P99_TARGET_MS} ms`, ok: durable.p99 <= P99_TARGET_MS });
  }
  const oursRate = sustained(ours);
  const refRate = sustained(ref);
  const floorRate = sustained(floor);
  rows.push({
    metric: `highest rate with median p99 ≤ ${P99_TARGET_MS} ms and 100 % delivered there and at every lower rate (${REPS} ladders of ${RATES[0]}–${RATES[RATES.length - 1]} lines/s/room)`,
    value: oursRate * 100,
    unit: 'lines/s',
    peer: `reference ${refRate * 100} lines/s`,
    ratio: refRate > 0 ? oursRate / refRate : undefined,
    target: '≥ 1.5× reference',
    ok: refRate > 0 ? oursRate >= 1.5 * refRate : oursRate > 0,
  });
  rows.push({
    metric: `highest single rate with median p99 ≤ ${P99_TARGET_MS} ms (a lower rate may have missed)`,
    value: sustained(ours, false) * 100,
    unit: 'lines/s',
    peer: `reference ${sustained(ref, false) * 100} lines/s`,
    ratio: sustained(ref, false) > 0 ? sustained(ours, false) / sustained(ref, false) : undefined,
  });
  // Each repetition ran ours, the reference and the floor back to back: compare within it, so a noisy minute lands on all three.
  const perLadder = ours.map((l, i) => ({ ours: sustained([l]), ref: sustained([ref[i]]), floor: sustained([floor[i]]) }));
  const worst = (of: (x: (typeof perLadder)[number]) => number) => Math.min(...perLadder.map(of));
  rows.push({
    metric: `the same highest rate in each of the ${REPS} ladders, ours ÷ the reference's in that repetition (the worst)`,
    value: worst((x) => (x.ref > 0 ? x.ours / x.ref : x.ours > 0 ? Infinity : 0)),
    unit: '×',
    peer: perLadder.map((x) => `${x.ours * 100} vs ${x.ref * 100}`).join(', ') + ' lines/s',
    target: '≥ 1.5× in every ladder',
    ok: perLadder.every((x) => (x.ref > 0 ? x.ours >= 1.5 * x.ref : x.ours > 0)),
  });
  rows.push({
    metric: `the floor (a bare forwarder) on this machine: the same highest rate`,
    value: floorRate * 100,
    unit: 'lines/s',
    peer: `reference ${refRate * 100} lines/s, ours ${oursRate * 100} lines/s`,
    ratio: refRate > 0 ? floorRate / refRate : undefined,
  });
  rows.push({
    metric: `ours ÷ the floor: the same highest rate, median over the ladders (worst ladder: ${fmt(worst((x) => (x.floor > 0 ? x.ours / x.floor : 1)))}×)`,
    value: floorRate > 0 ? oursRate / floorRate : oursRate > 0 ? 1 : 0,
    unit: '×',
    peer: `floor ${floorRate * 100} lines/s, ours ${oursRate * 100} lines/s`,
    target: '≥ 0.9× floor',
    ok: oursRate >= 0.9 * floorRate && oursRate > 0,
  });
  rows.push({
    metric: `relay CPU per delivered line, the floor (all steps)`,
    value: cpuPerDelivery(floor),
    unit: 'µs',
    peer: `ours ${fmt(cpuPerDelivery(ours))} µs, reference ${fmt(cpuPerDelivery(ref))} µs`,
  });
  for (const rate of RATES) {
    const a = medianStep(ours, rate);
    const b = medianStep(ref, rate);
    const c = medianStep(floor, rate);
    if (!a && !b) continue;
    const peerText = (name: string, x: StepResult | undefined, ladders: Ladder[]) => `${name} ${x ? `${fmt(x.p99)} ms ${spread(ladders, rate)}` : 'stopped'}`;
    rows.push({
      metric: `fan-out p99 @ ${rate} lines/s/room (${rate * 1000} deliveries/s), median of ${REPS} [min–max]`,
      value: a ? a.p99 : NaN,
      unit: 'ms',
      peer: `${peerText('reference', b, ref)}; floor ${c ? `${fmt(c.p99)} ms` : 'stopped'}`,
      ratio: a && b ? a.p99 / b.p99 : undefined,
    });
    if (a) rows[rows.length - 1].metric += ` ${spread(ours, rate)}`;
  }
  if (PARTS.has('join')) rows.push(...(await joinRows()));
  return rows;
}

/** One step of ours with the durable on-disk log. */
async function durableStep(): Promise<StepResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-relay-'));
  try {
    return (await fanoutFor('ours', 1, ['--data', dataDir], [RATES[0]])).steps[0];
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function joinRows(): Promise<BenchRow[]> {
  const joinOurs = await joinFor('ours');
  const joinRef = await joinFor('ref');
  const mb = (joinOurs.docBytes / 1e6).toFixed(0);
  const storm = (j: typeof joinOurs, q: number) => percentile(j.stormMs, q);
  return [
    { metric: `cold join of one stock client, ${mb} MB doc`, value: joinOurs.singleJoinMs, unit: 'ms', peer: `reference ${fmt(joinRef.singleJoinMs)} ms`, ratio: joinOurs.singleJoinMs / joinRef.singleJoinMs, target: '≤ 1000 ms', ok: joinOurs.singleJoinMs <= 1000 },
    { metric: `50 joiners at once, p50`, value: storm(joinOurs, 50), unit: 'ms', peer: `reference ${fmt(storm(joinRef, 50))} ms`, ratio: storm(joinOurs, 50) / storm(joinRef, 50) },
    { metric: `50 joiners at once, p99`, value: storm(joinOurs, 99), unit: 'ms', peer: `reference ${fmt(storm(joinRef, 99))} ms`, ratio: storm(joinOurs, 99) / storm(joinRef, 99), target: '≤ 5000 ms', ok: storm(joinOurs, 99) <= 5000 && joinOurs.stormFailures === 0 },
    { metric: `relay peak RSS, 50 joiners`, value: joinOurs.peakRss, unit: 'MB', peer: `reference ${fmt(joinRef.peakRss)} MB`, ratio: joinOurs.peakRss / joinRef.peakRss },
    { metric: `relay CPU time, 50 joiners`, value: joinOurs.stormCpuMs, unit: 'ms', peer: `reference ${fmt(joinRef.stormCpuMs)} ms`, ratio: joinOurs.stormCpuMs / joinRef.stormCpuMs },
  ];
}

/** Relay CPU time per delivered line: what fan-out costs, independent of how busy the machine is. */
function cpuPerDelivery(ladders: Ladder[]): number {
  const steps = ladders.flatMap((l) => l.steps);
  const cpu = steps.reduce((n, s) => n + s.relayCpuMs, 0);
  const delivered = steps.reduce((n, s) => n + s.delivered, 0);
  return (cpu * 1000) / delivered;
}

/** A step that failed to deliver everything counts as an unbounded p99. */
const stepP99 = (s: StepResult | undefined) => (s && s.delivered === s.expected ? s.p99 : Infinity);

/** The repetition whose p99 at `rate` is the median (a ladder that stopped below `rate` counts as failing); undefined if no ladder reached it. */
function medianStep(ladders: Ladder[], rate: number): StepResult | undefined {
  const sorted = ladders.map((l) => l.steps.find((s) => s.rate === rate)).sort((a, b) => stepP99(a) - stepP99(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function spread(ladders: Ladder[], rate: number): string {
  const p99s = ladders.map((l) => stepP99(l.steps.find((s) => s.rate === rate)));
  return `[${fmt(Math.min(...p99s))}–${Number.isFinite(Math.max(...p99s)) ? fmt(Math.max(...p99s)) : 'stopped'}]`;
}

/** The highest rate whose median p99 is within target; `everyBelow`: and every lower rate's too. */
function sustained(ladders: Ladder[], everyBelow = true): number {
  let best = 0;
  for (const rate of RATES) {
    if (stepP99(medianStep(ladders, rate)) <= P99_TARGET_MS) best = rate;
    else if (everyBelow) break;
  }
  return best;
}

async function fanoutFor(flavor: Flavor, rep: number, args: string[] = [], rates = RATES): Promise<Ladder> {
  const server = await startServer(bundles, flavor, args);
  try {
    const cfg: FanoutConfig = {
      kind: 'fanout',
      url: server.url,
      relayPid: server.pid,
      rooms: 100,
      viewers: 10,
      steps: rates.map((rate) => ({ rate, seconds: STEP_SECONDS })),
      firstWarmupSeconds: 5,
      warmupSeconds: 1,
      stopAboveP99Ms: 4 * P99_TARGET_MS,
    };
    const result = (await generate(cfg)) as FanoutResult;
    for (const s of result.steps) {
      process.stderr.write(`  ${flavor}${args.length ? ' (durable)' : ` #${rep}`} @ ${s.rate}/s/room: p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms, ${s.delivered}/${s.expected} delivered, relay CPU ${fmt(s.relayCpuPercent)} %, generator delay p99 ${fmt(s.generatorDelayP99)} ms, relay RSS ${fmt(s.relayRssMb)} MB\n`);
    }
    return { steps: result.steps };
  } finally {
    await stopServer(server);
  }
}

async function joinFor(flavor: 'ours' | 'ref') {
  const server = await startServer(bundles, flavor);
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
