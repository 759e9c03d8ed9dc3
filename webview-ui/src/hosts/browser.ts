import { browserIdentityStore, localStorageOrNull } from '../data/viewerIdentity';
import { browserNotifier } from '../data/systemNotifier';
import { startViewer, viewerRoot, type ViewerHandle } from '../viewer';

// The browser tab: the page URL is the share link (the token is in the fragment, which never reaches
// the relay). Pasting another link into the address bar only changes the fragment, so follow it.
export function startBrowserViewer(): void {
  const root = viewerRoot();
  const storage = localStorageOrNull();
  const options = { client: 'browser' as const, identity: browserIdentityStore(storage), notifier: browserNotifier(storage) };
  let viewer: ViewerHandle = startViewer(root, location.href, options);
  window.addEventListener('hashchange', () => {
    viewer.dispose();
    viewer = startViewer(root, location.href, options);
  });
}
