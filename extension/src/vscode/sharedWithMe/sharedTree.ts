import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { SharedLink, SharedLinks } from './sharedLinks';

export const SHARED_VIEW_ID = 'tandem.shared';

const stateIcon: Record<string, string> = {
  connecting: 'sync~spin',
  synced: 'pass',
  offline: 'debug-disconnect',
  expired: 'warning',
  revoked: 'circle-slash',
  refused: 'error',
  'invalid-link': 'error',
};

const roleNames = (): Record<SharedLink['role'], string> => ({ observer: vscode.l10n.t('observer'), prompter: vscode.l10n.t('prompter'), host: vscode.l10n.t('handoff') });

/** The "Shared with me" tree: one item per link, with its state as the viewer last reported it. */
export class SharedTree extends Disposable implements vscode.TreeDataProvider<SharedLink> {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly links: SharedLinks) {
    super();
    this.register(links.onDidChange(() => this.changed.fire()));
    this.register(vscode.window.createTreeView(SHARED_VIEW_ID, { treeDataProvider: this }));
  }

  getChildren(element?: SharedLink): SharedLink[] {
    return element ? [] : [...this.links.all];
  }

  getTreeItem(link: SharedLink): vscode.TreeItem {
    const expired = link.expiresAt <= Date.now();
    const state = link.status?.connection ?? (expired ? 'expired' : undefined);
    const item = new vscode.TreeItem(link.title ?? vscode.l10n.t('Session {0}', link.shareId.slice(0, 8)));
    item.id = `${link.shareId}:${link.role}`;
    item.description = [roleNames()[link.role], state].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString(
      [`**${link.title ?? vscode.l10n.t('Shared session')}**`, vscode.l10n.t('{0} link on {1}', roleNames()[link.role], new URL(link.relayUrl).host), vscode.l10n.t('expires {0}', new Date(link.expiresAt).toLocaleString()), link.status?.detail]
        .filter(Boolean)
        .join('\n\n'),
    );
    item.iconPath = new vscode.ThemeIcon(state ? (stateIcon[state] ?? 'circle-outline') : 'link');
    item.contextValue = `link.${link.role}`;
    item.command = { command: 'tandem.openSharedSession', title: vscode.l10n.t('Open'), arguments: [link.link] };
    return item;
  }
}
