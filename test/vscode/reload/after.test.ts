import assert from 'node:assert/strict';
import fs from 'node:fs';
import { waitFor } from '../../helpers/waitFor';
import { tandemExtension } from '../support';
import { loadState, publishingHost, sessionFile } from './reloadSession';

// The second half: the window was reloaded. With no Tandem view opened, the extension activates on
// startup and shares the session again by itself, with the same links: the observer link from before
// the reload reads a new host publishing the whole session.

describe('a window reload, after: the share comes back with the same links', function () {
  this.timeout(120_000);

  it('restores the share on startup; the old observer link reads the session from the new host', async () => {
    const before = loadState();
    await waitFor(() => tandemExtension().isActive, { timeoutMs: 30_000, what: 'the extension to activate by itself after the reload' });
    const host = await publishingHost(before.observer, before.hostId, 60_000);
    try {
      await waitFor(() => host.lines() === fs.readFileSync(sessionFile(), 'utf8'), { timeoutMs: 30_000, what: 'the whole session from the restored host' });
      assert.notEqual(host.hostId, before.hostId);
    } finally {
      host.dispose();
    }
  });
});
