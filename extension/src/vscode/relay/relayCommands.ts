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
      configured ? vscode.l10n.t('The embedded relay runs on {0}. Shares still go through {1} (the Relay Url setting).', url, configured) : vscode.l10n.t('The embedded relay runs on {0}.', url),
    );
  }

  async stop(): Promise<void> {
    const url = this.relay.embeddedUrl;
    if (!url) return void vscode.window.showInformationMessage(vscode.l10n.t('The embedded relay is not running.'));
    const using = this.shares.all.filter((s) => s.links.observer.startsWith(`${url}/`)).length;
    if (using > 0) {
      const stop = vscode.l10n.t('Stop Relay');
      const answer = await vscode.window.showWarningMessage(
        using === 1
          ? vscode.l10n.t('1 shared session uses the embedded relay: its viewers lose the connection until it runs again.')
          : vscode.l10n.t('{0} shared sessions use the embedded relay: their viewers lose the connection until it runs again.', using),
        { modal: true },
        stop,
      );
      if (answer !== stop) return;
    }
    await this.relay.stopEmbedded();
    void vscode.window.showInformationMessage(vscode.l10n.t('The embedded relay stopped. Its links work again once it runs again.'));
  }
}
