import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import * as vscode from 'vscode';
import { buildLink, encodeClaims, joinToken, type Role } from '../../protocol/src';
import { withoutToken, type TandemApi } from '../../extension/src/vscode/api';
import { waitFor } from '../helpers/waitFor';
import { tandemApi } from './support';

/** A correctly signed link for a share nobody serves (the viewer may fail to connect; the list must not care). */
function link(role: Role, { expiresInS = 3600, relay = 'http://127.0.0.1:9' } = {}): string {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
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
    assert.ok(['connecting', 'offline'].includes(status.connection), `connection ${status.connection}`);
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
});
