import assert from 'node:assert/strict';
import net from 'node:net';
import * as vscode from 'vscode';
import type { TandemApi } from '../../extension/src/vscode/api';
import { tandemApi } from './support';

describe('embedded relay', () => {
  let api: TandemApi;
  before(async () => {
    api = await tandemApi();
  });
  after(() => vscode.commands.executeCommand('tandem.stopRelay'));

  it('starts in the extension host on 127.0.0.1, serving the browser viewer from the installed extension', async () => {
    await vscode.commands.executeCommand('tandem.startRelay');
    const url = api.relayUrl();
    assert.match(url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const page = await fetch(`${url}/s/${'A'.repeat(43)}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script[^>]+src=/, 'the viewer page (dist/webview/index.html), not the placeholder');
  });

  it('stops on command, and comes back on the same port so earlier links keep working', async () => {
    const url = api.relayUrl()!;
    await vscode.commands.executeCommand('tandem.stopRelay');
    assert.equal(api.relayUrl(), undefined);
    await assert.rejects(fetch(`${url}/healthz`), 'nothing listens after Stop Embedded Relay');
    await vscode.commands.executeCommand('tandem.startRelay');
    assert.equal(api.relayUrl(), url);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  });

  it('takes another port when its own is held (another window), and returns to its own later', async () => {
    const url = new URL(api.relayUrl()!);
    await vscode.commands.executeCommand('tandem.stopRelay');
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(Number(url.port), '127.0.0.1', resolve));
    try {
      await vscode.commands.executeCommand('tandem.startRelay');
      const elsewhere = api.relayUrl();
      assert.ok(elsewhere && elsewhere !== url.origin, `a different port than ${url.origin}: ${elsewhere}`);
      assert.equal((await fetch(`${elsewhere}/healthz`)).status, 200);
    } finally {
      await vscode.commands.executeCommand('tandem.stopRelay');
      await new Promise((resolve) => squatter.close(resolve));
    }
    await vscode.commands.executeCommand('tandem.startRelay');
    assert.equal(api.relayUrl(), url.origin);
  });
});
