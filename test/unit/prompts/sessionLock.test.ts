import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireSessionLock } from '../../../extension/src/core/prompts/sessionLock';

const SESSION = '0acd9b6f-116b-4a89-8236-6f13710f1128';

describe('prompts: the per-session lock', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lets one holder in at a time, in one process too', async () => {
    const order: string[] = [];
    const first = await acquireSessionLock(dir, SESSION, { pollMs: 5 });
    const second = acquireSessionLock(dir, SESSION, { pollMs: 5 }).then((lock) => (order.push('second'), lock));
    await new Promise((resolve) => setImmediate(resolve));
    order.push('first releases');
    await first.release();
    await (await second).release();
    assert.deepEqual(order, ['first releases', 'second']);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('takes over a lock whose owner died, once, even with several waiters', async () => {
    for (let round = 0; round < 10; round++) {
      fs.writeFileSync(path.join(dir, `${SESSION}.lock`), JSON.stringify({ pid: 999_999, token: 'dead' }));
      let holders = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          const lock = await acquireSessionLock(dir, SESSION, { pollMs: 1 });
          most = Math.max(most, ++holders);
          await new Promise((resolve) => setTimeout(resolve, 2));
          holders--;
          await lock.release();
        }),
      );
      assert.equal(most, 1, `round ${round}: ${most} holders at once`);
      assert.deepEqual(fs.readdirSync(dir), []);
    }
  });

  it('stops waiting when the wait is aborted, and a release never removes someone else\'s lock', async () => {
    const held = await acquireSessionLock(dir, SESSION);
    const cancel = new AbortController();
    const waiting = acquireSessionLock(dir, SESSION, { signal: cancel.signal, pollMs: 5 });
    cancel.abort(new Error('cancelled'));
    await assert.rejects(waiting, /cancelled/);
    fs.writeFileSync(path.join(dir, `${SESSION}.lock`), JSON.stringify({ pid: process.pid, token: 'someone-else' }));
    await held.release();
    assert.ok(fs.existsSync(path.join(dir, `${SESSION}.lock`)));
  });
});
