import { parseLink } from '../../../../protocol/src';
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import type { PendingInbox } from '../pending/pendingItems';
import { ViewerWebview, viewerWebviewOptions, type ViewerStatus } from './viewerWebview';
import type { ViewerIdentity } from './viewerIdentity';

const PANEL_TYPE = 'tandem.viewerPanel';

/** The session viewer as editor tabs: one per share (opening the same share again reveals its tab). */
export class ViewerPanels extends Disposable {
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; viewer: ViewerWebview }>();
  private readonly statusChanged = this.register(new vscode.EventEmitter<{ link: string; status: ViewerStatus }>());
  /** what a panel's viewer said about its connection, with the link it shows */
  readonly onDidChangeStatus = this.statusChanged.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly inbox: PendingInbox,
    private readonly log: Logger,
    private readonly identity: ViewerIdentity,
  ) {
    super();
    this.register({ dispose: () => [...this.panels.values()].forEach((p) => p.panel.dispose()) });
  }

  /** every open viewer tab: its link and what its viewer last reported */
  get all(): { link: string | undefined; status: ViewerStatus | undefined }[] {
    return [...this.panels.values()].map(({ viewer }) => ({ link: viewer.currentLink, status: viewer.status }));
  }

  async open(link: string, title = 'Tandem session'): Promise<void> {
    const parsed = parseLink(link);
    if (!parsed.ok) throw new Error(`cannot open this link: ${parsed.error}`);
    const existing = this.panels.get(parsed.link.shareId);
    if (existing) {
      existing.panel.reveal();
      await existing.viewer.show(link);
      return;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_TYPE, title, vscode.ViewColumn.Active, viewerWebviewOptions(this.extensionUri));
    panel.iconPath = { light: vscode.Uri.joinPath(this.extensionUri, 'media', 'tandem-light.svg'), dark: vscode.Uri.joinPath(this.extensionUri, 'media', 'tandem-dark.svg') };
    const viewer = new ViewerWebview(panel.webview, this.extensionUri, this.inbox, this.log, this.identity);
    const titles = viewer.onDidChangeStatus((status) => {
      if (status.title) panel.title = status.title;
      if (viewer.currentLink) this.statusChanged.fire({ link: viewer.currentLink, status });
    });
    this.panels.set(parsed.link.shareId, { panel, viewer });
    panel.onDidDispose(() => {
      titles.dispose();
      viewer.dispose();
      this.panels.delete(parsed.link.shareId);
    });
    await viewer.show(link);
  }
}
