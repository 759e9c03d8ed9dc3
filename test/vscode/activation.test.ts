import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, tandemExtension } from './support';

describe('activation', () => {
  it('stays asleep at startup and wakes on its first command (lazy activation)', async () => {
    const ext = tandemExtension();
    assert.equal(ext.isActive, false, 'Tandem activated at startup: package.json activationEvents should only name its views');
    await vscode.commands.executeCommand('tandem.showLog');
    assert.equal(ext.isActive, true);
  });

  it('registers every command package.json contributes', async () => {
    const contributed = (tandemExtension().packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length >= 12, `expected the palette commands in package.json, got ${contributed.join(', ')}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), [], 'contributed commands that activate() did not register');
  });

  it('runs from the installed .vsix when the harness packaged one', function () {
    if (process.env.TANDEM_VSCODE_EXTENSION_FROM !== 'vsix') this.skip(); // source runs: TANDEM_VSCODE_FROM_SOURCE=1, @vscode/test-cli
    const installedAs = path.basename(tandemExtension().extensionPath);
    assert.match(installedAs, new RegExp(`^${EXTENSION_ID.replace('.', '\\.')}-\\d+\\.\\d+\\.\\d+$`));
  });
});
