import * as vscode from 'vscode';
import type { SettingsService } from '../settings';
import type { ActiveShares } from '../sharing/activeShares';
import type { RelayService } from './relayService';

/** Start / Stop Embedded Relay. Stopping asks first when shares of this window go through it. */
export class RelayCommands {
  constructor(
    private readonly relay: RelayService,
    private readonly shares: ActiveShares,
    private readonly settings: SettingsService,
  ) {}

  async start(): Promise<void> {
    const { url } = await this.relay.startEmbedded();
    const configured = this.settings.current.relayUrl;
    void vscode.window.showInformationMessage(
      configured ? `Tandem: embedded relay running on ${url}. Shares still go through ${configured} (tandem.relayUrl).` : `Tandem: embedded relay running on ${url}.`,
    );
  }

  async stop(): Promise<void> {
    const url = this.relay.embeddedUrl;
    if (!url) return void vscode.window.showInformationMessage('Tandem: the embedded relay is not running.');
    const using = this.shares.all.filter((s) => s.links.observer.startsWith(`${url}/`)).length;
    if (using > 0) {
      const stop = 'Stop Relay';
      const answer = await vscode.window.showWarningMessage(
        `${using} shared session${using === 1 ? ' uses' : 's use'} the embedded relay: viewers lose the connection until it runs again.`,
        { modal: true },
        stop,
      );
      if (answer !== stop) return;
    }
    await this.relay.stopEmbedded();
    void vscode.window.showInformationMessage('Tandem: embedded relay stopped. Its links stop working until it runs again.');
  }
}
