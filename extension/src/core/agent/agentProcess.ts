import fs from 'node:fs/promises';
import { createJsonLogger } from '../../../../relay/src/logger';
import { startRelay, type RelayHandle } from '../../../../relay/src/startRelay';
import { DataFolderLocked } from '../../../../relay/src/storage/fileStorage';
import { agentSecret, agentStateFile, relayDataDir, type AgentState } from './agentFiles';
import type { AgentReport } from './agentReport';

// The local agent: a detached per-user process that owns the embedded relay for one port, so a share
// depends on no other share and on no terminal or window that happened to start the relay. CLI and VS
// Code windows are its clients: they find it by proving it knows the user's secret (relayProof.ts).
// It stays up while any socket uses its relay and leaves `idleMs` after the last one closed;
// `tandem agent stop` (SIGTERM) stops it at once. Rooms are flushed either way.

export type AgentOptions = {
  home: string;
  port: number;
  /** leave after this long without a connection (default 10 minutes) */
  idleMs: number;
  staticDir?: string;
  report: (r: AgentReport) => void;
  logLine: (line: string) => void;
};

export async function runAgent(opts: AgentOptions): Promise<RelayHandle | undefined> {
  const dataDir = relayDataDir(opts.home, opts.port);
  let relay: RelayHandle;
  try {
    relay = await startRelay({
      host: '127.0.0.1',
      port: opts.port,
      dataDir,
      staticDir: opts.staticDir,
      localSecret: await agentSecret(opts.home),
      log: createJsonLogger(opts.logLine, 'info'),
    });
  } catch (e) {
    opts.report(failure(e));
    return undefined;
  }
  const state: AgentState = { pid: process.pid, port: relay.port, url: relay.url, dataDir, startedAt: Date.now() };
  await fs.writeFile(agentStateFile(opts.home, opts.port), JSON.stringify(state), { mode: 0o600 });
  let idleSince = performance.now();
  const idle = setInterval(() => {
    if (relay.stats().connections > 0) idleSince = performance.now();
    else if (performance.now() - idleSince >= opts.idleMs) void stop();
  }, Math.min(5000, Math.max(100, opts.idleMs / 4)));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(idle);
      await relay.close();
      const current = await fs.readFile(agentStateFile(opts.home, opts.port), 'utf8').catch(() => '');
      if (current.includes(`"pid":${process.pid},`)) await fs.rm(agentStateFile(opts.home, opts.port), { force: true });
      process.exit(0);
    })());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  opts.report({ ok: true, url: relay.url, pid: process.pid, dataDir });
  return relay;
}

function failure(e: unknown): AgentReport {
  if (e instanceof DataFolderLocked) return { ok: false, kind: 'locked', message: e.message, pid: e.pid, dir: e.dir };
  if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') return { ok: false, kind: 'port-in-use', message: (e as Error).message };
  return { ok: false, kind: 'failed', message: (e as Error).message };
}
