import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import * as vscode from 'vscode';
import { buildLink, encodeClaims, joinToken, type Role } from '../../protocol/src';
import { withoutToken, type TandemApi } from '../../extension/src/vscode/api';
import { waitFor } from '../helpers/waitFor';
import { tandemApi } from './support';
import { click, screenshot, uiAvailable, visible } from './ui';

/** A correctly signed link for a share nobody serves (the viewer may fail to connect; the list must not care). */
function link(role: Role, { expiresInS = 3600, relay = 'http://127.0.0.1:9', keys = generateKeyPairSync('ed25519') } = {}): string {
  const { publicKey, privateKey } = keys;
  const sid = publicKey.export({ format: 'jwk' }).x as string;
  const now = Math.floor(Date.now() / 1000);
  const payload = encodeClaims({ v: 1, sid, role, iat: now - 10, exp: now + expiresInS, jti: randomUUID() });
  return buildLink(relay, sid, joinToken(payload, new Uint8Array(sign(null, Buffer.from(payload), privateKey))));
}

describe('Shared with me', () => {
  let api: TandemApi;
  before(async () => {
    api = await tandemApi();
  });

  it('refuses what is not a usable link and remembers nothing', async () => {
    const before = api.sharedWithMe().length;
    const observer = link('observer');
    for (const bad of ['hello', 'http://relay.example.com/s/abc', observer.replace(/#t=.*/, ''), observer.replace(/\.[^.]*$/, '.AAAA'), link('observer', { expiresInS: -60 })]) {
      await vscode.commands.executeCommand('tandem.openSharedSession', bad);
    }
    assert.equal(api.sharedWithMe().length, before);
  });

  it('remembers an opened link once per share (the newest link wins) and shows it in the sidebar viewer', async () => {
    const prompter = link('prompter');
    await vscode.commands.executeCommand('tandem.openSharedSession', prompter);
    const first = api.sharedWithMe()[0];
    assert.equal(first.link, withoutToken(prompter));
    assert.equal(first.role, 'prompter');
    await waitFor(() => api.viewer.link() === withoutToken(prompter), { timeoutMs: 10_000, what: 'the sidebar viewer to take the link' });
    // the real viewer page ran, said ready, got init and reports on its connection (nobody serves this relay)
    const status = await waitFor(() => api.viewer.status(), { timeoutMs: 20_000, what: 'the viewer webview to report its connection' });
    assert.ok(['connecting', 'offline', 'unreachable'].includes(status.connection), `connection ${status.connection}`);
    await waitFor(() => api.sharedWithMe()[0].status, { timeoutMs: 5000, what: 'Shared with me to show the state' });

    const other = link('observer');
    await vscode.commands.executeCommand('tandem.openSharedSession', other);
    await vscode.commands.executeCommand('tandem.openSharedSession', prompter);
    assert.deepEqual(
      api.sharedWithMe().slice(0, 2).map((s) => s.link),
      [prompter, other].map((l) => withoutToken(l)),
    );
  });

  it('hands other extensions no token: nothing the API returns carries one, and its lists are copies', async () => {
    const prompter = link('prompter');
    await vscode.commands.executeCommand('tandem.openSharedSession', prompter);
    await waitFor(() => api.viewer.link() === withoutToken(prompter), { timeoutMs: 10_000, what: 'the sidebar viewer to take the link' });
    const token = prompter.split('#t=')[1];
    const seen = JSON.stringify({ shared: api.sharedWithMe(), link: api.viewer.link(), tabs: api.viewer.tabs(), sessions: api.sessions(), settings: api.settings(), approvals: api.pendingApprovals() });
    assert.ok(!seen.includes(token), 'a token is readable through the extension API');
    assert.ok(!seen.includes('#t='), 'a link with a token fragment is readable through the extension API');
    (api.sharedWithMe() as unknown[]).length = 0;
    assert.ok(api.sharedWithMe().length > 0, 'another extension emptied the list through the API');
  });

  it('keeps one entry per role of a share: a handoff link does not replace the observer link', async () => {
    const keys = generateKeyPairSync('ed25519');
    const observer = link('observer', { keys });
    const handoff = link('host', { keys });
    await vscode.commands.executeCommand('tandem.openSharedSession', observer);
    await vscode.commands.executeCommand('tandem.openSharedSession', handoff);
    const entries = api.sharedWithMe().filter((s) => s.link === withoutToken(observer) || s.link === withoutToken(handoff));
    assert.deepEqual(entries.map((e) => e.role).sort(), ['host', 'observer']);
    const newer = link('observer', { keys });
    await vscode.commands.executeCommand('tandem.openSharedSession', newer);
    assert.deepEqual(api.sharedWithMe().filter((s) => s.shareId === entries[0].shareId).map((s) => s.link), [withoutToken(newer), withoutToken(handoff)], 'the newer observer link replaced the older one only');
  });

  it('Remove forgets an entry, from its context menu', async () => {
    const doomed = link('observer');
    await vscode.commands.executeCommand('tandem.openSharedSession', doomed);
    const entry = api.sharedWithMe()[0];
    assert.equal(entry.link, withoutToken(doomed), 'the newest entry comes first');
    const count = api.sharedWithMe().length;
    if (uiAvailable) {
      await vscode.commands.executeCommand('tandem.shared.focus');
      // the newest entry is the first row of the view (titles repeat: unserved links all read "Claude Code session")
      const row = '.pane:has(> .pane-header[aria-label^="Shared with me"]) .monaco-list-row[aria-posinset="1"]';
      await visible(row);
      await click(row, 'right');
      await visible('.context-view .action-label:has-text("Remove")');
      await screenshot('shared-with-me-remove');
      await click('.context-view .action-label:has-text("Remove")');
    } else await vscode.commands.executeCommand('tandem.removeSharedLink', entry);
    await waitFor(() => !api.sharedWithMe().some((s) => s.link === withoutToken(doomed)), { timeoutMs: 10_000, what: 'the entry to go' });
    assert.equal(api.sharedWithMe().length, count - 1, 'only that entry');
  });
});
