import * as vscode from 'vscode';
import { Disposable, DisposableStore } from '../lifecycle';
import { setContext } from '../contextKeys';
import type { Logger } from '../log';
import type { PendingInbox } from '../pending/pendingItems';
import type { LocalTranscript } from './localTranscript';
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
  private pendingLocal: LocalTranscript | undefined;
  private readonly statusChanged = this.register(new vscode.EventEmitter<ViewerStatus>());
  readonly onDidChangeStatus = this.statusChanged.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly inbox: PendingInbox,
    private readonly log: Logger,
    private readonly identity: ViewerIdentity,
  ) {
    super();
    this.register(vscode.window.registerWebviewViewProvider(VIEWER_VIEW_ID, this));
    this.register({ dispose: () => this.resolved?.dispose() });
    this.register({ dispose: () => this.pendingLocal?.dispose() });
  }

  get status(): ViewerStatus | undefined {
    return this.viewer?.status;
  }

  get currentLink(): string | undefined {
    return this.viewer?.currentLink ?? this.pendingLink;
  }

  /** The local session shown read-only, if any. */
  get localSession(): LocalTranscript['session'] | undefined {
    return this.viewer?.localSession ?? this.pendingLocal?.session;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.resolved?.dispose();
    const resolved = (this.resolved = new DisposableStore());
    this.view = view;
    const viewer = (this.viewer = resolved.add(new ViewerWebview(view.webview, this.extensionUri, this.inbox, this.log, this.identity)));
    resolved.add(viewer.onDidChangeStatus((s) => this.onStatus(s)));
    resolved.add(
      view.onDidDispose(() => {
        resolved.dispose();
        if (this.viewer === viewer) this.viewer = this.view = undefined;
      }),
    );
    const link = this.pendingLink;
    const local = this.pendingLocal;
    this.pendingLink = this.pendingLocal = undefined;
    if (link) void viewer.show(link).catch((e) => this.log.error('viewer', e));
    else if (local) viewer.showLocal(local);
    else view.webview.html = buildPlaceholderHtml(view.webview.cspSource, placeholder());
  }

  /** Reveals the sidebar viewer and shows `link` in it. */
  async open(link: string): Promise<void> {
    this.pendingLocal?.dispose();
    this.pendingLocal = undefined;
    if (this.viewer) await this.viewer.show(link);
    else this.pendingLink = link;
    setContext('tandem.viewerHasLink', true);
    await vscode.commands.executeCommand(`${VIEWER_VIEW_ID}.focus`);
  }

  /** Reveals the sidebar viewer and shows a local session in it, read-only (the viewer owns `transcript`). */
  async openLocal(transcript: LocalTranscript): Promise<void> {
    this.pendingLocal?.dispose();
    this.pendingLink = undefined;
    if (this.viewer) this.viewer.showLocal(transcript);
    else this.pendingLocal = transcript;
    if (this.view) this.view.description = transcript.session.title ?? undefined;
    setContext('tandem.viewerHasLink', false);
    await vscode.commands.executeCommand(`${VIEWER_VIEW_ID}.focus`);
  }

  private onStatus(status: ViewerStatus): void {
    if (this.view && status.title) this.view.description = status.title;
    this.statusChanged.fire(status);
  }
}

const placeholder = () => ({
  heading: vscode.l10n.t('Nothing open yet'),
  text: vscode.l10n.t('Click a session in Sessions to read it here, or open a link a teammate sent you.'),
  buttons: [
    { label: vscode.l10n.t('Open a Shared Session…'), command: 'tandem.openSharedSession' },
    { label: vscode.l10n.t('Share a Session…'), command: 'tandem.shareSession' },
  ],
});
