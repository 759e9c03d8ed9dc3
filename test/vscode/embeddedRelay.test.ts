import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
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

  it('refuses a squatter on its port, telling the user what to do, and sends it nothing', async () => {
    const url = new URL(api.relayUrl()!);
    await vscode.commands.executeCommand('tandem.stopRelay');
    const seen: string[] = [];
    const squatter = net.createServer((socket) => socket.on('data', (d) => seen.push(d.toString('latin1'))));
    await new Promise<void>((resolve) => squatter.listen(Number(url.port), '127.0.0.1', resolve));
    try {
      await vscode.commands.executeCommand('tandem.startRelay');
      assert.equal(api.relayUrl(), undefined, 'no relay is used');
      assert.ok(seen.every((req) => req.startsWith('POST /local/proof ')), `the squatter got only the proof challenge: ${seen.join('\n')}`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    await vscode.commands.executeCommand('tandem.startRelay');
    assert.equal(api.relayUrl(), url.origin);
  });

  it('runs in a background agent that outlives a Stop Sharing, shared with `tandem share` on the same port', async () => {
    const url = api.relayUrl()!;
    const home = process.env.TANDEM_HOME!;
    const state = JSON.parse(fs.readFileSync(path.join(home, 'agent', `relay-${new URL(url).port}.json`), 'utf8')) as { pid: number };
    assert.notEqual(state.pid, process.pid, 'the relay is not in the extension host');
  });
});
