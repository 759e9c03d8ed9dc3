import { render } from 'preact';
import { boundAuthor, checkClaims, linkName, parseLink, type LinkError, type PresenceState } from '../../protocol/src';
import { DAMAGED, connectToShare, expiredText, type ConnectionStatus, type SessionConnection } from './data/connection';
import { SessionStore, type HostAnswerer, type Identity } from './data/sessionStore';
import type { SystemNotifier } from './data/systemNotifier';
import type { IdentityStore } from './data/viewerIdentity';
import { App } from './ui/App';
import { sessionTitle } from './ui/Header';
import { FullState, notice, type Notice } from './ui/StateNotice';
import { ImageZoomHost } from './ui/ImageZoom';
import './ui/styles.css';

// Starts the viewer for one share link in a root element; both hosts (browser tab, VS Code webview)
// come through here. A link that cannot work is explained on the page instead of being tried.

/** The element the viewer draws into: `#app` when the page has one (index.html), else a new one. */
export function viewerRoot(): HTMLElement {
  const existing = document.getElementById('app');
  if (existing) return existing;
  const root = document.createElement('div');
  root.id = 'app';
  document.body.appendChild(root);
  return root;
}

export type ViewerHandle = {
  focusComposer(): void;
  /** the tool requests the host asks this viewer's user about (see ViewerOptions.onHostAnswer) */
  setHostRequests(ids: readonly string[]): void;
  dispose(): void;
};

export type ViewerOptions = {
  client: PresenceState['user']['client'];
  userName?: string;
  /** this viewer's id and self-chosen name, kept by the host (localStorage, VS Code's global state) */
  identity: IdentityStore;
  /** system notifications for tool requests; only a browser tab has them */
  notifier?: SystemNotifier;
  onStatus?: (status: { connection: ConnectionStatus; title: string }) => void;
  /** the VS Code host's own viewer: answers to the requests it names go to the host, not the queue room */
  onHostAnswer?: HostAnswerer;
};

const linkProblems: Record<LinkError, string> = {
  'not-a-url': 'This is not a Tandem link. Open the link the host shared with you.',
  'not-a-share-link': 'This page needs a share link (…/s/<share id>#t=<token>). Open the link the host shared with you.',
  'no-token': 'The link has no access token (the part after #t=). Copy the whole link the host shared with you.',
  'bad-token': DAMAGED,
  'token-for-other-share': 'The link\'s token belongs to another share. Ask the host for a new link.',
};

export function startViewer(root: HTMLElement, link: string, options: ViewerOptions): ViewerHandle {
  const parsed = parseLink(link);
  if (!parsed.ok) return showProblem(root, notice('damaged', linkProblems[parsed.error]), options);
  const { claims } = parsed.link;
  if (checkClaims(claims, parsed.link.shareId, Date.now() / 1000) === 'expired') return showProblem(root, notice('expired', expiredText(claims.exp)), options);
  const me = options.identity.load();
  const displayName = me.displayName || options.userName;
  const connection = connectToShare(parsed.link, { user: { name: linkName(claims), role: claims.role, client: options.client, viewerId: me.viewerId, ...(displayName ? { displayName } : {}) } });
  return mountViewer(root, connection, { role: claims.role, bound: boundAuthor(claims) }, options);
}

/** A session this machine reads itself (the VS Code host's local view): read-only, no relay, no queue. */
export function startLocalViewer(root: HTMLElement, connection: SessionConnection, options: ViewerOptions): ViewerHandle {
  return mountViewer(root, connection, { role: 'observer', bound: { author: options.userName || 'You', tokenId: 'local' } }, options);
}

function mountViewer(root: HTMLElement, connection: SessionConnection, identity: Identity, options: ViewerOptions): ViewerHandle {
  const store = new SessionStore(connection, identity, options.onHostAnswer);
  let focus = 0;
  let last = '';
  let savedName = store.snapshot().displayName;
  const report = () => {
    const state = store.snapshot();
    if (state.displayName !== savedName) options.identity.saveDisplayName((savedName = state.displayName));
    const status = { connection: state.connection, title: sessionTitle(state) };
    const key = JSON.stringify(status);
    if (key !== last) {
      last = key;
      options.onStatus?.(status);
    }
  };
  const unsubscribe = store.subscribe(report);
  const draw = () =>
    render(
      <ImageZoomHost>
        <App store={store} focusSignal={focus} notifier={options.notifier} />
      </ImageZoomHost>,
      root,
    );
  draw();
  report();
  let disposed = false;
  return {
    focusComposer() {
      focus++;
      draw();
    },
    setHostRequests: (ids) => store.setHostRequests(ids),
    dispose() {
      if (disposed) return;
      disposed = true;
      unsubscribe();
      render(null, root);
      store.dispose();
      connection.dispose();
    },
  };
}

function showProblem(root: HTMLElement, problem: Notice, options: ViewerOptions): ViewerHandle {
  render(<FullState notice={problem} />, root);
  options.onStatus?.({ connection: { kind: problem.kind === 'expired' ? 'expired' : 'damaged', detail: problem.detail }, title: 'Tandem' });
  return { focusComposer: () => undefined, setHostRequests: () => undefined, dispose: () => render(null, root) };
}
