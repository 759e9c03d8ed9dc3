import { HostToWebview, WebviewToHost, dispatchMessage, parseLink, type MessageHandlers } from '../../../../protocol/src';
import fs from 'node:fs';
import * as vscode from 'vscode';
import { externalLink } from '../externalLink';
import { Disposable } from '../lifecycle';
import { redactLink, type Logger } from '../log';
import type { PendingInbox } from '../pending/pendingItems';
import type { LocalTranscript } from './localTranscript';
import { buildViewerHtml, relayOrigins } from './viewerHtml';
import type { ViewerIdentity } from './viewerIdentity';

export type ViewerStatus = Extract<WebviewToHost, { type: 'status' }>;

/** Where the viewer's bundle lives; the only folder a viewer webview may load from. */
export function viewerResourceRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function viewerWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  // command links only for the placeholder page's buttons (buildPlaceholderHtml)
  return { enableScripts: true, localResourceRoots: [viewerResourceRoot(extensionUri)], enableCommandUris: ['tandem.openSharedSession', 'tandem.shareSession'] };
}

/**
 * One session viewer (webview-ui) in one VS Code webview, sidebar view or editor panel alike. The handshake:
 * the page posts `ready` when its script runs (again after VS Code reloads a hidden webview); every `ready` is
 * answered with `init` for the current link (or `local` with the document of a local session, shown without
 * a relay). Questions waiting for the host on the share shown appear as cards (`pending`), answered here.
 * Messages are parsed with protocol/'s zod unions both ways.
 */
export class ViewerWebview extends Disposable {
  private link: string | undefined;
  private externalLinkValue: string | undefined;
  private local: { transcript: LocalTranscript; stop: () => void } | undefined;
  private pageOrigins = '';
  private lastStatus: ViewerStatus | undefined;
  private readonly statusChanged = this.register(new vscode.EventEmitter<ViewerStatus>());
  /** what the viewer last said about its connection (synced, expired, revoked…) */
  readonly onDidChangeStatus = this.statusChanged.event;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly extensionUri: vscode.Uri,
    private readonly inbox: PendingInbox,
    private readonly log: Logger,
    private readonly identity: ViewerIdentity,
  ) {
    super();
    webview.options = viewerWebviewOptions(extensionUri);
    this.register(inbox.onDidChange(() => this.sendPending()));
    this.register({ dispose: () => this.closeLocal() });
    const handlers: MessageHandlers<WebviewToHost> = {
      ready: () => {
        this.sendInit();
        this.sendPending();
      },
      answer: (m) => {
        const item = this.inbox.find(m.id);
        // only what belongs to the share on screen; an item answered elsewhere meanwhile is gone
        if (item && item.shareId !== undefined && item.shareId === this.shareId) item.answers[m.answer]?.answer();
      },
      toolAnswer: (m) => {
        const shareId = this.shareId;
        const item = shareId === undefined ? undefined : this.inbox.all.find((i) => i.approvalId === m.approvalId && i.shareId === shareId);
        if (!item?.answerWith) return this.log.info(`viewer: tool request ${m.approvalId} answered on its card, but it is no longer waiting here`);
        item.answerWith({ decision: m.decision, message: m.message, updatedInput: m.updatedInput });
      },
      status: (m) => {
        this.lastStatus = m;
        this.log.debug(`viewer ${this.link ? redactLink(this.link) : '(no link)'}: ${m.connection}${m.detail ? ` (${m.detail})` : ''}`);
        this.statusChanged.fire(m);
      },
      setDisplayName: (m) => this.identity.setDisplayName(m.displayName),
      log: (m) => this.log[m.level](`viewer: ${m.message}`),
    };
    this.register(
      webview.onDidReceiveMessage((data: unknown) => {
        const problem = dispatchMessage(WebviewToHost, handlers, data);
        if (problem) this.log.warn(`viewer sent a message Tandem does not understand (ignored): ${problem}`);
      }),
    );
  }

  get currentLink(): string | undefined {
    return this.link;
  }

  get status(): ViewerStatus | undefined {
    return this.lastStatus;
  }

  /** Shows `link` (a share link as the relay hands it out). */
  async show(link: string): Promise<void> {
    const parsed = parseLink(link);
    if (!parsed.ok) throw new Error(`cannot open this link: ${parsed.error}`);
    const external = await externalLink(link);
    if (this.isDisposed) return;
    this.closeLocal();
    this.link = link;
    this.externalLinkValue = external;
    this.lastStatus = undefined;
    const origins = relayOrigins(external);
    // The page's CSP names the relay, so another relay needs a new page; the same relay just gets a new init.
    if (origins.join(' ') !== this.pageOrigins) {
      this.pageOrigins = origins.join(' ');
      this.webview.html = this.html(origins);
    } else {
      this.sendInit();
      this.sendPending(); // the cards of the share now shown, not of the one before
    }
  }

  /** Shows a local session read-only, from `transcript` (this viewer owns it from now on). No relay, no network. */
  showLocal(transcript: LocalTranscript): void {
    if (this.isDisposed) return transcript.dispose();
    this.closeLocal();
    this.link = this.externalLinkValue = undefined;
    this.lastStatus = undefined;
    const stop = transcript.onUpdate((update) => this.post({ type: 'localUpdate', update }));
    this.local = { transcript, stop };
    this.pageOrigins = '';
    this.webview.html = this.html([]);
  }

  /** The local session shown, if any. */
  get localSession(): LocalTranscript['session'] | undefined {
    return this.local?.transcript.session;
  }

  private closeLocal(): void {
    this.local?.stop();
    this.local?.transcript.dispose();
    this.local = undefined;
  }

  private get shareId(): string | undefined {
    const parsed = this.link ? parseLink(this.link) : undefined;
    return parsed?.ok ? parsed.link.shareId : undefined;
  }

  private sendInit(): void {
    if (this.local) this.post({ type: 'local', update: this.local.transcript.state() });
    else if (this.externalLinkValue) this.post({ type: 'init', link: this.externalLinkValue, viewer: this.identity.get() });
  }

  private sendPending(): void {
    const shareId = this.shareId;
    const items = shareId ? this.inbox.all.filter((i) => i.shareId === shareId) : [];
    this.post({ type: 'pending', cards: items.slice(0, 50).map((i) => ({ id: i.id, kind: i.kind, label: i.label.slice(0, 1000), detail: i.detail.slice(0, 2000), answers: i.answers.slice(0, 5).map((a) => a.label), approvalId: i.approvalId })) });
  }

  private post(message: HostToWebview): void {
    void this.webview.postMessage(HostToWebview.parse(message));
  }

  private html(connectOrigins: string[]): string {
    const root = viewerResourceRoot(this.extensionUri);
    const asset = (name: string) => this.webview.asWebviewUri(vscode.Uri.joinPath(root, name)).toString();
    const hasStyles = fs.existsSync(vscode.Uri.joinPath(root, 'vscode.css').fsPath);
    return buildViewerHtml({ cspSource: this.webview.cspSource, scriptUri: asset('vscode.js'), styleUri: hasStyles ? asset('vscode.css') : undefined, connectOrigins });
  }
}
