import * as vscode from 'vscode';
import { Disposable, DisposableStore } from '../lifecycle';
import type { Logger } from '../log';
import { buildPlaceholderHtml } from './viewerHtml';
import { ViewerWebview, type ViewerStatus } from './viewerWebview';
import type { ViewerIdentity } from './viewerIdentity';

export const VIEWER_VIEW_ID = 'tandem.viewer';

/** The session viewer in the Tandem sidebar. A link opened before VS Code resolved the view waits for it. */
export class ViewerView extends Disposable implements vscode.WebviewViewProvider {
  private viewer: ViewerWebview | undefined;
  private view: vscode.WebviewView | undefined;
  /** what belongs to the currently resolved view; VS Code may dispose and resolve the view again */
  private resolved: DisposableStore | undefined;
  private pendingLink: string | undefined;
  private readonly statusChanged = this.register(new vscode.EventEmitter<ViewerStatus>());
  readonly onDidChangeStatus = this.statusChanged.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly identity: ViewerIdentity,
  ) {
    super();
    this.register(vscode.window.registerWebviewViewProvider(VIEWER_VIEW_ID, this));
    this.register({ dispose: () => this.resolved?.dispose() });
  }

  get status(): ViewerStatus | undefined {
    return this.viewer?.status;
  }

  get currentLink(): string | undefined {
    return this.viewer?.currentLink ?? this.pendingLink;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.resolved?.dispose();
    const resolved = (this.resolved = new DisposableStore());
    this.view = view;
    const viewer = (this.viewer = resolved.add(new ViewerWebview(view.webview, this.extensionUri, this.log, this.identity)));
    resolved.add(viewer.onDidChangeStatus((s) => this.onStatus(s)));
    resolved.add(
      view.onDidDispose(() => {
        resolved.dispose();
        if (this.viewer === viewer) this.viewer = this.view = undefined;
      }),
    );
    const link = this.pendingLink;
    this.pendingLink = undefined;
    if (link) void viewer.show(link).catch((e) => this.log.error('viewer', e));
    else view.webview.html = buildPlaceholderHtml(view.webview.cspSource, 'Open a session to watch it here: Open on a session above, or Open Shared Session… for a link.');
  }

  /** Reveals the sidebar viewer and shows `link` in it. */
  async open(link: string): Promise<void> {
    if (this.viewer) await this.viewer.show(link);
    else this.pendingLink = link;
    await vscode.commands.executeCommand(`${VIEWER_VIEW_ID}.focus`);
  }

  private onStatus(status: ViewerStatus): void {
    if (this.view && status.title) this.view.description = status.title;
    this.statusChanged.fire(status);
  }
}
