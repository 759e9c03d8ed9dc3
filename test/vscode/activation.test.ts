import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../helpers/waitFor';
import { EXTENSION_ID, tandemExtension } from './support';

describe('activation', () => {
  it('never delays startup: it activates once startup has finished (to resume what this window shared), or on a view or command', async () => {
    const ext = tandemExtension();
    const events = ext.packageJSON.activationEvents as string[];
    assert.ok(!events.includes('*'), 'activationEvents must not contain *: it would activate before the workbench is up');
    assert.deepEqual(events.filter((e) => !e.startsWith('onView:') && e !== 'onStartupFinished'), [], `unexpected activation events: ${events.join(', ')}`);
    await waitFor(() => ext.isActive, { timeoutMs: 30_000, what: 'activation after startup' });
    await vscode.commands.executeCommand('tandem.showLog');
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
