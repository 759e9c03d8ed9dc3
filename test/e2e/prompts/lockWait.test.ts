import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { acquireSessionLock } from '../../../extension/src/core/prompts/sessionLock';
import { lockFolder } from '../../../extension/src/core/state/tandemHome';
import { waitFor } from '../../helpers/waitFor';
import { makeHarness, type Harness } from './harness';

// Issue 10 item 7: a session lock held elsewhere keeps a prompt `approved`; the run status says why,
// and the lock lives in the user's own Tandem folder (0700), not in a shared temp folder.

describe('prompt runner: session locks in the user\'s own folder, and why a prompt waits', function () {
  let h: Harness;
  beforeEach(async () => (h = await makeHarness()));
  afterEach(async () => h.dispose());

  it('shows the lock that blocks a prompt in its status, then runs it once released', async () => {
    const env = { ...h.env.baseEnv, TANDEM_HOME: path.join(h.env.root, 'tandem') };
    const held = await acquireSessionLock(lockFolder(env), h.sessionId);
    await h.start({ lockDir: undefined, baseEnv: env });
    const id = h.queue('after the lock');
    const waiting = await waitFor(() => (h.run(id)?.waiting ? h.run(id) : undefined), { what: 'the run to say why it waits' });
    assert.equal(waiting.state, 'approved');
    assert.match(waiting.waiting!, new RegExp(`another Tandem host on this machine \\(process ${process.pid}\\)`));
    assert.equal(fs.statSync(lockFolder(env)).mode & 0o777, 0o700);
    await held.release();
    assert.equal((await h.waitForState(id, 'done')).waiting, undefined);
  });
});
