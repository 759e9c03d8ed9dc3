import * as vscode from 'vscode';
import { setContext } from '../contextKeys';
import { Disposable } from '../lifecycle';
import type { PendingInbox } from './pendingItems';

/**
 * The count of waiting questions on the Tandem activity bar icon (VS Code adds up its views' badges; the
 * Sessions view carries it) and the `tandem.pending` context key for the palette and the view's title bar.
 */
export class PendingBadge extends Disposable {
  constructor(
    private readonly inbox: PendingInbox,
    private readonly view: vscode.TreeView<unknown>,
  ) {
    super();
    this.register(inbox.onDidChange(() => this.render()));
    this.render();
  }

  private render(): void {
    const n = this.inbox.all.length;
    this.view.badge = n ? { value: n, tooltip: vscode.l10n.t('{0} waiting for your answer', n) } : undefined;
    setContext('tandem.pending', n > 0);
  }
}
