import { HostToWebview, WebviewToHost, dispatchMessage, type MessageHandlers } from '../../../protocol/src';
import { browserIdentityStore, type IdentityStore } from '../data/viewerIdentity';
import { startViewer, viewerRoot, type ViewerHandle } from '../viewer';

// The VS Code webview: the script posts `ready`, the extension answers `init` with the share link
// (relay URL mapped through asExternalUri); from there the viewer connects to the relay itself.
declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

export function startVsCodeViewer(): void {
  const vscode = acquireVsCodeApi();
  const post = (message: WebviewToHost) => vscode.postMessage(WebviewToHost.parse(message));
  const root = viewerRoot();
  let viewer: ViewerHandle | null = null;
  const handlers: MessageHandlers<HostToWebview> = {
    init: (m) => {
      viewer?.dispose();
      viewer = startViewer(root, m.link, {
        client: 'vscode',
        userName: m.userName,
        identity: m.viewer ? hostIdentity(m.viewer, post) : browserIdentityStore(null),
        onStatus: ({ connection, title }) =>
          post({ type: 'status', connection: connection.kind, title: title.slice(0, 500), ...('detail' in connection ? { detail: connection.detail } : {}) }),
      });
    },
    focusComposer: () => viewer?.focusComposer(),
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
