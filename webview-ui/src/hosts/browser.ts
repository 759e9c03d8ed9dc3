import { startViewer, viewerRoot, type ViewerHandle } from '../viewer';

// The browser tab: the page URL is the share link (the token is in the fragment, which never reaches
// the relay). Pasting another link into the address bar only changes the fragment, so follow it.
export function startBrowserViewer(): void {
  const root = viewerRoot();
  let viewer: ViewerHandle = startViewer(root, location.href, { client: 'browser' });
  window.addEventListener('hashchange', () => {
    viewer.dispose();
    viewer = startViewer(root, location.href, { client: 'browser' });
  });
}
