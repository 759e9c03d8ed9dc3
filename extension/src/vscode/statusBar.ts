import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import type { RemotePromptApprover } from './prompts/remotePromptApprover';
import type { ActiveShares } from './sharing/activeShares';

/**
 * The status bar item: what this window shares, how many people watch, the prompt `claude` is running and
 * prompts waiting for approval. Hidden while nothing is shared and nothing waits.
 */
export class SharingStatusBar extends Disposable {
  readonly item = this.register(vscode.window.createStatusBarItem('tandem.status', vscode.StatusBarAlignment.Left, 50));

  constructor(
    private readonly shares: ActiveShares,
    private readonly approver: RemotePromptApprover,
  ) {
    super();
    this.item.name = 'Tandem';
    this.item.command = 'workbench.view.extension.tandem';
    this.register(shares.onDidChange(() => this.render()));
    this.register(approver.onDidChangePending(() => this.render()));
    this.render();
  }

  private render(): void {
    const shares = this.shares.all;
    const waiting = this.approver.pending.length;
    if (shares.length === 0 && waiting === 0) {
      this.item.hide();
      return;
    }
    const viewers = shares.reduce((n, s) => n + s.viewers, 0);
    const running = shares.find((s) => s.runningPrompt);
    const parts = [
      `$(broadcast) ${shares.length === 1 ? 'Sharing' : `Sharing ${shares.length}`}`,
      `$(eye) ${viewers}`,
      running ? `$(sync~spin) prompt${running.runningPrompt?.author ? ` from ${running.runningPrompt.author}` : ''}` : '',
      waiting ? `$(bell-dot) ${waiting} waiting` : '',
    ];
    this.item.text = parts.filter(Boolean).join('  ');
    this.item.tooltip = [
      ...shares.map((s) => `Sharing “${s.title}”: ${s.viewers} watching${s.runningPrompt ? ', running a prompt' : ''}`),
      waiting ? `${waiting} remote prompt${waiting === 1 ? '' : 's'} waiting for your approval (see notifications)` : '',
    ]
      .filter(Boolean)
      .join('\n');
    this.item.backgroundColor = waiting ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}
