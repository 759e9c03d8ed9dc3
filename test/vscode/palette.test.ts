import * as vscode from 'vscode';
import type { TandemApi } from '../../extension/src/vscode/api';
import { waitFor } from '../helpers/waitFor';
import { tandemApi } from './support';
import { fill, hidden, press, screenshot, uiAvailable, visible } from './ui';

// The command palette offers only what can act now: with nothing shared and no relay running, no Copy … Link,
// Stop Sharing or Stop Embedded Relay; once the relay runs, Stop Embedded Relay appears and Start goes away.
describe('command palette', () => {
  let api: TandemApi;
  before(async function () {
    if (!uiAvailable) this.skip(); // reading the palette needs the harness
    api = await tandemApi();
    await vscode.commands.executeCommand('tandem.stopRelay');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('tandem.stopRelay');
  });

  async function palette(query: string): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await press('F1');
    await fill('.quick-input-widget input', `>${query}`);
  }
  const row = (title: string) => `.quick-input-widget .monaco-list-row:has-text("${title}")`;

  // One query lists every Tandem command the palette offers (they fit the list without scrolling); the rows that
  // must be there prove the filtered list has rendered before the absent ones are checked.
  it('hides Copy … Link, Stop Sharing and Stop Embedded Relay while nothing is shared and no relay runs', async () => {
    await palette('Tandem: ');
    for (const title of ['Share Session', 'Open Shared Session', 'Continue This Session Here', 'Start Embedded Relay', 'Show Log']) await visible(row(`Tandem: ${title}`));
    await screenshot('palette-nothing-shared');
    for (const title of ['Copy Observer Link', 'Copy Prompter Link', 'Copy Handoff Link', 'Stop Sharing', 'Stop Embedded Relay', 'Answer Waiting Prompts']) await hidden(row(`Tandem: ${title}`));
  });

  it('offers Stop Embedded Relay once the relay runs, and no longer Start', async () => {
    await vscode.commands.executeCommand('tandem.startRelay');
    await waitFor(() => api.relayUrl(), { timeoutMs: 10_000, what: 'the relay' });
    await palette('Tandem: ');
    await visible(row('Tandem: Stop Embedded Relay'));
    await hidden(row('Tandem: Start Embedded Relay'));
  });
});
