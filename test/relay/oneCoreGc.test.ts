import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { wantsSingleThreadedGc } from '../../relay/src/oneCoreGc';
import { waitFor } from '../helpers/waitFor';
import { exited } from './helpers/relayProcess';

// On one core the relay runs itself again with V8's single-threaded GC. The relaunched relay must be
// the same relay to whoever runs it: one URL, signals reach it, the exit code is its own, and it never
// outlives the process that started it.

const root = path.resolve(__dirname, '../..');
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** The relays whose parent is `pid`, with their command lines (tsx may also run an esbuild child). */
function childrenOf(pid: number): Array<{ pid: number; argv: string[] }> {
  const out: Array<{ pid: number; argv: string[] }> = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv.some((a) => a.endsWith('relay/src/main.ts'))) out.push({ pid: Number(entry), argv });
    } catch {
      // it exited while we looked
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `node relay/src/main.ts --port 0` pinned to one core; resolves once it listens. */
async function relayOnOneCore(env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; url: string; stdout: () => string }> {
  const child = spawn('taskset', ['-c', '0', process.execPath, '--import', 'tsx', path.join(root, 'relay/src/main.ts'), '--port', '0', '--memory'], {
    cwd: root,
    env: { ...process.env, TANDEM_RELAY_GC: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await waitFor(() => /listening on (http\S+)/.test(out) || child.exitCode !== null, { timeoutMs: 20_000, what: `the relay to listen (stderr: ${err})` });
  const url = /listening on (http\S+)/.exec(out)?.[1];
  assert.ok(url, `the relay did not start: ${err}`);
  return { child, url, stdout: () => out };
}

const started: ChildProcess[] = [];

describe('relay: single-threaded GC on one core', function () {
  this.timeout(40_000);
  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); // its relaunched relay follows it
  });

  it('is chosen on one core only, unless TANDEM_RELAY_GC says otherwise, and never twice', () => {
    assert.equal(wantsSingleThreadedGc({}, 1, []), true);
    assert.equal(wantsSingleThreadedGc({}, 2, []), false);
    assert.equal(wantsSingleThreadedGc({ TANDEM_RELAY_GC: 'default' }, 1, []), false);
    assert.equal(wantsSingleThreadedGc({ TANDEM_RELAY_GC: 'single-threaded' }, 8, []), true);
    assert.equal(wantsSingleThreadedGc({}, 1, ['--single-threaded-gc']), false, 'already has the flag');
    assert.equal(wantsSingleThreadedGc({ TANDEM_RELAY_ONE_CORE_CHILD: '1' }, 1, []), false, 'the relaunched child does not relaunch');
  });

  describe('a relay pinned to one core', function () {
    before(function () {
      if (!hasTaskset) this.skip();
    });

    it('serves from a child with --single-threaded-gc; SIGTERM to the parent closes both, exit code 0', async () => {
      const relay = await relayOnOneCore();
      const kids = childrenOf(relay.child.pid as number);
      assert.equal(kids.length, 1, 'one relaunched relay');
      assert.ok(kids[0].argv.includes('--single-threaded-gc'), kids[0].argv.join(' '));
      assert.equal((await fetch(`${relay.url}/healthz`)).status, 200);
      relay.child.kill('SIGTERM');
      assert.deepEqual(await exited(relay.child), { code: 0, signal: null });
      assert.equal(alive(kids[0].pid), false, 'the relaunched relay is gone');
    });

    it('a kill -9 of the parent takes the relaunched relay down too: nothing keeps the port', async () => {
      const relay = await relayOnOneCore();
      const [kid] = childrenOf(relay.child.pid as number);
      relay.child.kill('SIGKILL');
      await exited(relay.child);
      await waitFor(() => !alive(kid.pid), { timeoutMs: 10_000, what: 'the relaunched relay to shut down once its parent died' });
      await assert.rejects(fetch(`${relay.url}/healthz`), 'nothing listens on the relay port');
    });

    it('TANDEM_RELAY_GC=default keeps one process with V8 default GC', async () => {
      const relay = await relayOnOneCore({ TANDEM_RELAY_GC: 'default' });
      assert.deepEqual(childrenOf(relay.child.pid as number), []);
      relay.child.kill('SIGTERM');
      assert.equal((await exited(relay.child)).code, 0);
    });
  });
});
