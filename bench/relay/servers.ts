import { spawn, type ChildProcess } from 'node:child_process';
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../extension/src/core/sync/freePort';
import type { FanoutConfig, JoinConfig } from './loadgen';

// The processes relay benches run: servers pinned to core 0 (`taskset -c 0`), the load generator on
// core 1, unless a bench places them otherwise (`core`). Ours, the floor and Hocuspocus run as esbuild
// bundles, as users run a relay.

const ROOT = path.resolve(__dirname, '../..');

export type Server = { child: ChildProcess; url: string; pid: number };
export type Flavor = 'ours' | 'ref' | 'floor' | 'hocuspocus';

/** Builds ours and the floor into a temp folder; `dispose` removes it. */
export async function buildServers(): Promise<{ dir: string; dispose(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-relay-bundles-'));
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'ourRelay.ts'), path.join(__dirname, 'bareForwarder.ts'), path.join(__dirname, 'hocuspocusNode.ts')],
    outdir: dir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
  return { dir, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function startServer(bundles: string, flavor: Flavor, args: string[] = [], core = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    void freePort().then((port) => {
      const env = { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port) };
      const script = {
        ours: [path.join(bundles, 'ourRelay.js'), ...args],
        floor: [path.join(bundles, 'bareForwarder.js')],
        hocuspocus: [path.join(bundles, 'hocuspocusNode.js'), ...args],
        ref: [path.join(ROOT, 'node_modules/y-websocket-ref/bin/server.cjs')],
      }[flavor];
      // TANDEM_BENCH_OURS_NODE_ARGS: extra node flags for our relay only (e.g. --cpu-prof --trace-gc while profiling)
      const nodeArgs = flavor === 'ours' ? (process.env.TANDEM_BENCH_OURS_NODE_ARGS ?? '').split(' ').filter(Boolean) : [];
      const cmd = ['taskset', '-c', String(core), process.execPath, '--max-old-space-size=4096', ...nodeArgs, ...script];
      const child = spawn(cmd[0], cmd.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        if (nodeArgs.length) process.stderr.write(d); // what the flags print (--trace-gc) goes to stdout
        out += d.toString();
        const ours = /listening (http\S+?)(?: pid (\d+))?\n/.exec(out);
        if (ours || /running at/.test(out)) resolve({ child, url: ours ? ours[1] : `http://127.0.0.1:${port}`, pid: ours?.[2] ? Number(ours[2]) : (child.pid as number) });
      });
      child.once('exit', (code) => reject(new Error(`${flavor} relay exited with ${code}`)));
    }, reject);
  });
}

export async function stopServer(server: { child: ChildProcess }): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Runs the load generator on `core` (default 1) and returns its JSON result. */
export function generate(cfg: FanoutConfig | JoinConfig, core = 1): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', String(core), process.execPath, '--max-old-space-size=8192', '--import', 'tsx', path.join(__dirname, 'loadgen.ts'), JSON.stringify(cfg)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string)) : reject(new Error(`the load generator exited with ${code}`))));
  });
}

export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}
