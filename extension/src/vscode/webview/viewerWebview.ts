import { HostToWebview, WebviewToHost, dispatchMessage, parseLink, type MessageHandlers } from '../../../../protocol/src';
import fs from 'node:fs';
import * as vscode from 'vscode';
import { externalLink } from '../externalLink';
import { Disposable } from '../lifecycle';
import { redactLink, type Logger } from '../log';
import { buildViewerHtml, relayOrigins } from './viewerHtml';
import type { ViewerIdentity } from './viewerIdentity';

export type ViewerStatus = Extract<WebviewToHost, { type: 'status' }>;

/** Where the viewer's bundle lives; the only folder a viewer webview may load from. */
export function viewerResourceRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function viewerWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [viewerResourceRoot(extensionUri)] };
}

/**
 * One session viewer (webview-ui) in one VS Code webview, sidebar view or editor panel alike. The handshake:
 * the page posts `ready` when its script runs (again after VS Code reloads a hidden webview); every `ready` is
 * answered with `init` for the current link. Messages are parsed with protocol/'s zod unions both ways.
 */
export class ViewerWebview extends Disposable {
  private link: string | undefined;
  private externalLinkValue: string | undefined;
  private pageOrigins = '';
  private lastStatus: ViewerStatus | undefined;
  private readonly statusChanged = this.register(new vscode.EventEmitter<ViewerStatus>());
  /** what the viewer last said about its connection (synced, expired, revoked…) */
  readonly onDidChangeStatus = this.statusChanged.event;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly identity: ViewerIdentity,
  ) {
    super();
    webview.options = viewerWebviewOptions(extensionUri);
    const handlers: MessageHandlers<WebviewToHost> = {
      ready: () => this.sendInit(),
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
    this.link = link;
    this.externalLinkValue = external;
    this.lastStatus = undefined;
    const origins = relayOrigins(external);
    // The page's CSP names the relay, so another relay needs a new page; the same relay just gets a new init.
    if (origins.join(' ') !== this.pageOrigins) {
      this.pageOrigins = origins.join(' ');
      this.webview.html = this.html(origins);
    } else this.sendInit();
  }

  private sendInit(): void {
    if (!this.externalLinkValue) return;
    this.post({ type: 'init', link: this.externalLinkValue, viewer: this.identity.get() });
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
