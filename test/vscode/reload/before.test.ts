import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SessionNode } from '../../../extension/src/vscode/sessions/sessionsTree';
import { waitFor } from '../../helpers/waitFor';
import { setTandemSetting, tandemApi } from '../support';
import { RELOAD_CLAUDE_DIR, RELOAD_SESSION, publishingHost, saveState } from './reloadSession';

// The first half of "a share survives a window reload": share a real session with tandem.restoreShares
// set to always, and leave its observer link and host id for after-reload (the harness reloads the window).

describe('a window reload, before: share with tandem.restoreShares = always', function () {
  this.timeout(120_000);

  it('shares a real session and records its link and host', async () => {
    const api = await tandemApi();
    await setTandemSetting('claudeFolder', RELOAD_CLAUDE_DIR);
    await setTandemSetting('restoreShares', 'always');
    await api.refreshSessions();
    const node = await waitFor(
      (): SessionNode | undefined => {
        for (const p of api.sessions()) {
          const session = p.sessions.find((s) => s.sessionId === RELOAD_SESSION);
          if (session) return { kind: 'session', session };
        }
        return undefined;
      },
      { timeoutMs: 15_000, what: 'the corpus session in the Sessions view' },
    );
    const links = await vscode.commands.executeCommand<{ observer: string }>('tandem.shareSession', node);
    assert.ok(links?.observer, 'Share returned the links');
    const host = await publishingHost(links.observer);
    host.dispose();
    saveState({ observer: links.observer, hostId: host.hostId });
  });
});
