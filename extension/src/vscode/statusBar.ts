import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import type { PendingInbox } from './pending/pendingItems';
import type { ActiveShares } from './sharing/activeShares';

/**
 * The status bar item: what this window shares, how many people watch, the prompt `claude` is running and
 * what waits for the user's answer. Clicking it answers what waits (else opens the Tandem sidebar).
 * Hidden while nothing is shared and nothing waits.
 */
export class SharingStatusBar extends Disposable {
  readonly item = this.register(vscode.window.createStatusBarItem('tandem.status', vscode.StatusBarAlignment.Left, 50));

  constructor(
    private readonly shares: ActiveShares,
    private readonly inbox: PendingInbox,
  ) {
    super();
    this.item.name = 'Tandem';
    this.register(shares.onDidChange(() => this.render()));
    this.register(inbox.onDidChange(() => this.render()));
    this.render();
  }

  private render(): void {
    const shares = this.shares.all;
    const waiting = this.inbox.all.length;
    if (shares.length === 0 && waiting === 0) {
      this.item.hide();
      return;
    }
    const viewers = shares.reduce((n, s) => n + s.viewers, 0);
    const running = shares.find((s) => s.runningPrompt);
    const parts = [
      shares.length ? `$(broadcast) ${shares.length === 1 ? vscode.l10n.t('Sharing') : vscode.l10n.t('Sharing {0}', shares.length)}` : '',
      shares.length ? `$(eye) ${viewers}` : '',
      running ? `$(sync~spin) ${running.runningPrompt?.author ? vscode.l10n.t('prompt from {0}', running.runningPrompt.author) : vscode.l10n.t('prompt')}` : '',
      waiting ? `$(bell-dot) ${vscode.l10n.t('{0} waiting', waiting)}` : '',
    ];
    this.item.text = parts.filter(Boolean).join('  ');
    this.item.tooltip = [
      ...shares.map((s) => (s.runningPrompt ? vscode.l10n.t('Sharing “{0}”: {1} watching, running a prompt', s.title, s.viewers) : vscode.l10n.t('Sharing “{0}”: {1} watching', s.title, s.viewers))),
      waiting ? vscode.l10n.t('{0} waiting for your answer: click to answer', waiting) : '',
    ]
      .filter(Boolean)
      .join('\n');
    this.item.command = waiting ? 'tandem.showPending' : 'workbench.view.extension.tandem';
    this.item.backgroundColor = waiting ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}
