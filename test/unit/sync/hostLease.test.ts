import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostLease, HostLeaseTaken, readHostStatus } from '../../../extension/src/core/sync/hostLease';
import { waitFor } from '../../helpers/waitFor';

// One host per share on a machine: the lease file is taken exclusively; a live holder refuses the
// next host, a dead one's file is taken over.

describe('host lease', () => {
  let home: string;
  const status = { surface: 'cli' as const, sessionId: 'sess-1', shareId: 'share-1', relayUrl: 'http://127.0.0.1:1', links: { observer: 1 } };
  beforeEach(() => (home = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-lease-'))));
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('refuses a second host while the first runs, and lets the next one in once released', async () => {
    const first = await HostLease.acquire(home, status);
    await assert.rejects(HostLease.acquire(home, { ...status, surface: 'vscode' }), (e: unknown) => e instanceof HostLeaseTaken && /by `tandem share` \(pid \d+\)/.test(e.message));
    await first.setViewers([{ name: 'ann', role: 'observer', client: 'browser' }]);
    assert.deepEqual((await readHostStatus(home, 'sess-1'))?.status.viewers.map((v) => v.name), ['ann']);
    await first.release();
    const second = await HostLease.acquire(home, status);
    await second.release();
    assert.equal(await readHostStatus(home, 'sess-1'), undefined);
  });

  it('takes over the file of a host that died', async () => {
    fs.mkdirSync(path.join(home, 'shares'), { recursive: true });
    fs.writeFileSync(path.join(home, 'shares', 'sess-1.host.json'), JSON.stringify({ v: 1, pid: 2 ** 22 + 12345, startedAt: 0, viewers: [], ...status }));
    assert.equal((await readHostStatus(home, 'sess-1'))?.running, false);
    const lease = await HostLease.acquire(home, status);
    assert.equal((await readHostStatus(home, 'sess-1'))?.status.pid, process.pid);
    await lease.release();
  });

  it('waits, when asked, for a live holder to go away (a reloading window whose previous extension host still exits)', async () => {
    const first = await HostLease.acquire(home, status);
    await assert.rejects(HostLease.acquire(home, status, 0), HostLeaseTaken, 'no wait: refused at once');
    const waiting = HostLease.acquire(home, { ...status, surface: 'vscode' }, 10_000);
    let taken = false;
    void waiting.then(() => (taken = true));
    await waitFor(async () => (await readHostStatus(home, 'sess-1'))?.status.surface === 'cli', { what: 'the first lease still held' });
    assert.equal(taken, false, 'taken while the holder still held it');
    await first.release();
    const second = await waiting;
    assert.equal((await readHostStatus(home, 'sess-1'))?.status.surface, 'vscode');
    await second.release();
  });
});
