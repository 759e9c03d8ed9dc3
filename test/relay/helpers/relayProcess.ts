import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
export { freePort } from '../../../extension/src/core/sync/freePort';

// The relay as a separate process (for kill -9 and SIGTERM), run from source through tsx.

const root = path.resolve(__dirname, '../../..');

export type RelayProcess = { child: ChildProcess; url: string; stderr: string[] };

export async function spawnRelay(args: string[]): Promise<RelayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'relay/src/main.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the relay did not start within 15 s: ${stderr.join('')}`)), 15_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the relay exited with ${code}: ${stderr.join('')}`));
    });
  });
  return { child, url, stderr };
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

