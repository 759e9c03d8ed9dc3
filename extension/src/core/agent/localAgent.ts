import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { agentLogFile, agentSecret, readAgentState, relayDataDir } from './agentFiles';
import { AgentReport } from './agentReport';
import { probeLocalRelay } from './relayProof';

// A client's way to the local relay (`tandem share`, VS Code): use the agent already on the port once
// it proves it is ours, else start one and wait for its report. Two clients starting at once agree:
// the one whose agent lost the port race finds the winner's.

export type LocalRelay = { url: string; dataDir: string; pid: number | undefined; started: boolean };

export type LocalRelayFailure =
  | { kind: 'impostor'; detail: string }
  | { kind: 'locked'; pid: number; dir: string }
  | { kind: 'failed'; detail: string };

export class LocalRelayError extends Error {
  constructor(
    readonly port: number,
    readonly failure: LocalRelayFailure,
  ) {
    super(describe(port, failure));
  }
}

function describe(port: number, f: LocalRelayFailure): string {
  if (f.kind === 'impostor') return `something on 127.0.0.1:${port} is not your Tandem relay: ${f.detail}. Nothing was sent to it`;
  if (f.kind === 'locked') return `another relay (pid ${f.pid}) is using ${f.dir}`;
  return `the local relay could not start: ${f.detail}`;
}

/** How to run the agent: node (or Electron as node) with the agent's entry. */
export type AgentLauncher = { command: string; args: string[]; cwd: string };

/** The agent next to this bundle (dist/agent.js), or its source through tsx when running from the repo. */
export function defaultLauncher(): AgentLauncher {
  const bundled = path.join(__dirname, 'agent.js');
  if (fs.existsSync(bundled)) return { command: process.execPath, args: [bundled], cwd: __dirname };
  const repo = path.resolve(__dirname, '../../../..');
  return { command: process.execPath, args: ['--import', 'tsx', path.join(repo, 'extension/src/agent/main.ts')], cwd: repo };
}

export type EnsureOptions = { home: string; port: number; launcher?: AgentLauncher; onProgress?: (message: string) => void };

export async function ensureLocalRelay(opts: EnsureOptions): Promise<LocalRelay> {
  const { home, port } = opts;
  const url = `http://127.0.0.1:${port}`;
  const secret = await agentSecret(home);
  for (let attempt = 0; attempt < 2; attempt++) {
    const probe = await probeLocalRelay(url, port, secret);
    if (probe.kind === 'ours') return { url, dataDir: relayDataDir(home, port), pid: (await readAgentState(home, port))?.pid, started: false };
    if (probe.kind === 'impostor') throw new LocalRelayError(port, probe);
    opts.onProgress?.(`starting the local relay on ${url}…`);
    const report = await launch(opts.launcher ?? defaultLauncher(), home, port);
    if (report.ok) return { url: report.url, dataDir: report.dataDir, pid: report.pid, started: true };
    if (report.kind === 'locked') throw new LocalRelayError(port, { kind: 'locked', pid: report.pid ?? 0, dir: report.dir ?? relayDataDir(home, port) });
    if (report.kind === 'failed') throw new LocalRelayError(port, { kind: 'failed', detail: report.message });
    // port-in-use: another client's agent won the race (probe again), or something that refuses our probe holds it
  }
  throw new LocalRelayError(port, { kind: 'impostor', detail: 'the port is taken and what holds it does not answer as a Tandem relay' });
}

const START_TIMEOUT_MS = 15_000;

function launch(launcher: AgentLauncher, home: string, port: number): Promise<AgentReport> {
  const log = fs.openSync(agentLogFile(home, port), 'a', 0o600);
  const child = spawn(launcher.command, [...launcher.args, '--home', home, '--port', String(port)], {
    cwd: launcher.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', log],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  fs.closeSync(log);
  return new Promise<AgentReport>((resolve) => {
    const lines = readline.createInterface({ input: child.stdout! });
    let settled = false;
    const done = (r: AgentReport) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      lines.close();
      child.stdout!.destroy();
      child.unref();
      resolve(r);
    };
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      done({ ok: false, kind: 'failed', message: `it did not start within ${START_TIMEOUT_MS / 1000} s; see ${agentLogFile(home, port)}` });
    }, START_TIMEOUT_MS);
    lines.on('line', (line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      const r = AgentReport.safeParse(parsed);
      if (r.success) done(r.data);
    });
    child.on('error', (e) => done({ ok: false, kind: 'failed', message: e.message }));
    child.on('close', (code) => done({ ok: false, kind: 'failed', message: `it exited (${code}) before reporting; see ${agentLogFile(home, port)}` }));
  });
}

/** `tandem agent stop`: SIGTERM to the agent on the port, then wait until it has flushed and left. */
export async function stopAgent(home: string, port: number, timeoutMs = 10_000): Promise<number | undefined> {
  const state = await readAgentState(home, port);
  if (!state) return undefined;
  try {
    process.kill(state.pid, 'SIGTERM');
  } catch {
    return undefined;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (await readAgentState(home, port))?.pid === state.pid) await new Promise((r) => setTimeout(r, 50));
  return state.pid;
}
