import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listSessions } from '../extension/src/core/transcripts/catalog';
import { ProjectWatcher } from '../extension/src/core/transcripts/projectWatcher';
import { median } from './harness/stats';
import { seededRandom, syntheticLine, wordText } from './harness/syntheticTranscript';
import type { BenchRow } from './harness/types';

// Watch: a Claude folder with 2,000 idle transcripts (40 projects × 50 sessions, some with subagents),
// watched by the project watcher. Measures the host's idle cost (CPU over 10 s once settled; memory above the
// baseline of a fresh process started only to watch, beside the same process idling without a watcher), how long the watcher takes to start, how soon it reports a new session,
// and how long the catalog takes to list everything.

export const description = 'host watching 2,000 idle transcripts: idle CPU and memory, new-session event, catalog time';

const PROJECTS = 40;
const PER_PROJECT = 50;
const IDLE_MS = 10_000;
/** let the watcher's start-up work (stats, timers) finish before measuring idle */
const SETTLE_MS = 2000;

export async function run(): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-watch-'));
  try {
    const claudeDir = path.join(root, '.claude');
    const projectsDir = path.join(claudeDir, 'projects');
    writeFolder(projectsDir);
    const catalog = await timedMs(() => listSessions({ claudeDir }));
    const catalogMs = median([catalog.ms, (await timedMs(() => listSessions({ claudeDir }))).ms, (await timedMs(() => listSessions({ claudeDir }))).ms]);
    if (catalog.value.sessions.length !== PROJECTS * PER_PROJECT) throw new Error(`catalog listed ${catalog.value.sessions.length} sessions`);

    const [watching, peer] = [await memoryInFreshProcess(projectsDir, 'watch'), await memoryInFreshProcess(projectsDir, 'idle')];
    const memMb = (watching.after - watching.baseline) / 1e6;
    const peerMb = (peer.after - peer.baseline) / 1e6;
    const started = performance.now();
    const watcher = new ProjectWatcher({ projectsDir });
    try {
      await watcher.ready;
      const readyMs = performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      globalThis.gc?.();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const cpu = process.cpuUsage(cpu0);
      const cpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100;
      const eventMs = await newSessionEvent(watcher, projectsDir);
      return [
        { metric: `catalog of ${PROJECTS * PER_PROJECT} transcripts`, value: catalogMs, unit: 'ms' },
        { metric: 'watcher ready (initial scan)', value: readyMs, unit: 'ms' },
        { metric: `idle CPU while watching (${IDLE_MS / 1000} s)`, value: cpuPercent, unit: '%', target: '< 1 %', ok: cpuPercent < 1 },
        { metric: "memory above a fresh process's baseline while watching", value: memMb, unit: 'MB', peer: `same process idle, no watcher: ${peerMb.toFixed(1)} MB`, target: '≤ 100 MB', ok: memMb <= 100 },
        { metric: 'new session file → watcher event', value: eventMs, unit: 'ms' },
      ];
    } finally {
      await watcher.dispose();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** RSS before and after watching (or idling), measured in a new Node process started for it. */
function memoryInFreshProcess(projectsDir: string, mode: 'watch' | 'idle'): Promise<{ baseline: number; after: number }> {
  const repo = path.resolve(__dirname, '..');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(repo, 'bench/watchMemory.ts'), projectsDir, mode], { cwd: repo }, (e, stdout) => {
      if (e) return reject(e);
      resolve(JSON.parse(stdout) as { baseline: number; after: number });
    });
  });
}

function writeFolder(projectsDir: string): void {
  const rnd = seededRandom(3);
  const text = wordText(rnd, 256 * 1024);
  for (let p = 0; p < PROJECTS; p++) {
    const dir = path.join(projectsDir, `-home-dev-project-${p}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let s = 0; s < PER_PROJECT; s++) {
      const sid = `${String(p).padStart(8, '0')}-0000-4000-8000-${String(s).padStart(12, '0')}`;
      const lines = Array.from({ length: 4 + Math.floor(rnd() * 20) }, (_, i) => syntheticLine(rnd, text, sid, i, 300 + Math.floor(rnd() * 2000)));
      fs.writeFileSync(path.join(dir, `${sid}.jsonl`), lines.join('\n') + '\n');
      if (s % 10 === 0) {
        fs.mkdirSync(path.join(dir, sid, 'subagents'), { recursive: true });
        fs.writeFileSync(path.join(dir, sid, 'subagents', 'agent-a0000001.jsonl'), lines.slice(0, 2).join('\n') + '\n');
      }
    }
  }
}

async function timedMs<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

async function newSessionEvent(watcher: ProjectWatcher, projectsDir: string): Promise<number> {
  const file = path.join(projectsDir, '-home-dev-project-0', 'ffffffff-0000-4000-8000-000000000000.jsonl');
  let sub: { dispose(): void } | undefined;
  const seen = new Promise<void>((resolve) => {
    sub = watcher.onEvent((e) => e.path === file && resolve());
  });
  const t0 = performance.now();
  fs.writeFileSync(file, '{"type":"user"}\n');
  await seen;
  sub?.dispose();
  return performance.now() - t0;
}
