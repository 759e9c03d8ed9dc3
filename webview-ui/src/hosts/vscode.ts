import { createElement, render } from 'preact';
import { HostToWebview, WebviewToHost, dispatchMessage, type MessageHandlers } from '../../../protocol/src';
import { browserIdentityStore, type IdentityStore } from '../data/viewerIdentity';
import { localConnection, type LocalConnection } from '../data/localConnection';
import { PendingCards } from '../ui/PendingCards';
import { startLocalViewer, startViewer, viewerRoot, type ViewerHandle, type ViewerOptions } from '../viewer';

// The VS Code webview: the script posts `ready`, the extension answers `init` with the share link
// (relay URL mapped through asExternalUri); from there the viewer connects to the relay itself. A local
// session comes as `local` + `localUpdate` instead (no relay). `pending` cards sit in their own root above,
// except the host's tool requests: the viewer draws those once, on the request's own card, with the
// host's buttons (answers go back as `toolAnswer`).
declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

export function startVsCodeViewer(): void {
  const vscode = acquireVsCodeApi();
  const post = (message: WebviewToHost) => vscode.postMessage(WebviewToHost.parse(message));
  const cardsRoot = document.createElement('div');
  document.body.prepend(cardsRoot);
  const root = viewerRoot();
  let viewer: ViewerHandle | null = null;
  let local: LocalConnection | null = null;
  /** the host's tool requests on this share: answered on their own cards in the viewer, not as pending cards */
  let hostRequests: string[] = [];
  const options: Omit<ViewerOptions, 'identity'> = {
    client: 'vscode',
    onHostAnswer: (approvalId, decision, extra) => post({ type: 'toolAnswer', approvalId, decision, ...extra }),
    onStatus: ({ connection, title }) =>
      post({ type: 'status', connection: connection.kind, title: title.slice(0, 500), ...('detail' in connection ? { detail: connection.detail } : {}) }),
  };
  const replace = (next: () => ViewerHandle) => {
    viewer?.dispose();
    local = null;
    viewer = next();
    viewer.setHostRequests(hostRequests);
  };
  const handlers: MessageHandlers<HostToWebview> = {
    init: (m) => replace(() => startViewer(root, m.link, { ...options, userName: m.userName, identity: m.viewer ? hostIdentity(m.viewer, post) : browserIdentityStore(null) })),
    local: (m) =>
      replace(() => {
        const connection = localConnection();
        connection.apply(m.update);
        local = connection;
        return startLocalViewer(root, connection, { ...options, identity: browserIdentityStore(null) });
      }),
    localUpdate: (m) => local?.apply(m.update),
    focusComposer: () => viewer?.focusComposer(),
    pending: (m) => {
      hostRequests = m.cards.flatMap((c) => (c.approvalId ? [c.approvalId] : []));
      viewer?.setHostRequests(hostRequests);
      const cards = m.cards.filter((c) => !c.approvalId);
      render(createElement(PendingCards, { cards, onAnswer: (id, answer) => post({ type: 'answer', id, answer }) }), cardsRoot);
    },
  };
  window.addEventListener('message', (event: MessageEvent) => {
    const problem = dispatchMessage(HostToWebview, handlers, event.data);
    if (problem) post({ type: 'log', level: 'warn', message: `viewer ignored a message from the extension: ${problem}` });
  });
  post({ type: 'ready' });
}

/** The identity the extension keeps (its global state): a new name goes back to it to be kept. */
function hostIdentity(viewer: { viewerId: string; displayName: string }, post: (m: WebviewToHost) => void): IdentityStore {
  return {
    load: () => viewer,
    saveDisplayName(displayName) {
      viewer = { ...viewer, displayName };
      post({ type: 'setDisplayName', displayName });
    },
  };
}
