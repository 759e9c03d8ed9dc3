import { render } from 'preact';
import { boundAuthor, checkClaims, linkName, parseLink, type LinkError, type PresenceState } from '../../protocol/src';
import { connectToShare, type ConnectionStatus, type SessionConnection } from './data/connection';
import { SessionStore, type Identity } from './data/sessionStore';
import { App } from './ui/App';
import { sessionTitle } from './ui/Header';
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

export type ViewerHandle = { focusComposer(): void; dispose(): void };

export type ViewerOptions = {
  client: PresenceState['user']['client'];
  userName?: string;
  onStatus?: (status: { connection: ConnectionStatus; title: string }) => void;
};

const linkProblems: Record<LinkError, string> = {
  'not-a-url': 'This is not a Tandem link. Open the link the host shared with you.',
  'not-a-share-link': 'This page needs a share link (…/s/<share id>#t=<token>). Open the link the host shared with you.',
  'no-token': 'The link has no access token (the part after #t=). Copy the whole link the host shared with you.',
  'bad-token': 'The link\'s access token is damaged. Copy the whole link again, or ask the host for a new one.',
  'token-for-other-share': 'The link\'s token belongs to another share. Ask the host for a new link.',
};

export function startViewer(root: HTMLElement, link: string, options: ViewerOptions): ViewerHandle {
  const parsed = parseLink(link);
  if (!parsed.ok) return showProblem(root, linkProblems[parsed.error], options);
  const { claims } = parsed.link;
  if (checkClaims(claims, parsed.link.shareId, Date.now() / 1000) === 'expired') {
    return showProblem(root, `This link expired on ${new Date(claims.exp * 1000).toLocaleString()}. Ask the host for a new link.`, options);
  }
  const displayName = options.userName ? { displayName: options.userName } : {};
  const connection = connectToShare(parsed.link, { user: { name: linkName(claims), role: claims.role, client: options.client, ...displayName } });
  return mountViewer(root, connection, { role: claims.role, bound: boundAuthor(claims) }, options);
}

/** A session this machine reads itself (the VS Code host's local view): read-only, no relay, no queue. */
export function startLocalViewer(root: HTMLElement, connection: SessionConnection, options: ViewerOptions): ViewerHandle {
  return mountViewer(root, connection, { role: 'observer', bound: { author: options.userName || 'You', tokenId: 'local' } }, options);
}

function mountViewer(root: HTMLElement, connection: SessionConnection, identity: Identity, options: ViewerOptions): ViewerHandle {
  const store = new SessionStore(connection, identity);
  let focus = 0;
  let last = '';
  const report = () => {
    const state = store.snapshot();
    const status = { connection: state.connection, title: sessionTitle(state) };
    const key = JSON.stringify(status);
    if (key !== last) {
      last = key;
      options.onStatus?.(status);
    }
  };
  const unsubscribe = store.subscribe(report);
  const draw = () => render(<App store={store} focusSignal={focus} />, root);
  draw();
  report();
  let disposed = false;
  return {
    focusComposer() {
      focus++;
      draw();
    },
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

function showProblem(root: HTMLElement, message: string, options: ViewerOptions): ViewerHandle {
  render(
    <div class="problem" role="alert">
      <h1>Tandem can't open this session</h1>
      <p>{message}</p>
    </div>,
    root,
  );
  options.onStatus?.({ connection: { kind: 'refused', detail: message }, title: 'Tandem' });
  return { focusComposer: () => undefined, dispose: () => render(null, root) };
}
