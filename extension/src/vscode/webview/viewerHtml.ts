import { randomBytes } from 'node:crypto';

// The only place that writes HTML for VS Code webviews (STYLE.md rule 7): the session viewer's page.
// Locked down: `default-src 'none'`; scripts only with this page's nonce; styles, fonts and images only from
// the webview's own resource origin (cspSource, i.e. dist/webview); network only to the relay the link names.
// No vscode import: plain-Node unit tests check the policy.

export type ViewerPage = {
  /** `webview.cspSource` */
  cspSource: string;
  /** webview URIs (asWebviewUri) of dist/webview/vscode.js and, when the build emits one, vscode.css */
  scriptUri: string;
  styleUri?: string;
  /** origins the viewer may open websockets and fetches to: the relay, as the webview reaches it */
  connectOrigins: readonly string[];
  nonce?: string;
};

export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** `http://h:1/base/s/…` → `['http://h:1', 'ws://h:1']` (https → https + wss): what connect-src must allow. */
export function relayOrigins(relayUrl: string): string[] {
  const u = new URL(relayUrl);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`relay URL must be http(s), got ${u.protocol}`);
  return [u.origin, `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}`];
}

// Attribute values come from VS Code (URIs) and our own relay URL; escape anyway so a hostile value cannot
// break out of the attribute or the CSP.
const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cspToken = (s: string) => {
  if (!/^[A-Za-z0-9+.-]+:\/\/[^\s;,'"]+$|^'self'$/.test(s)) throw new Error(`not a CSP source: ${JSON.stringify(s)}`);
  return s;
};
/** cspSource may be several sources (code-server: `'self' https://*.vscode-cdn.net`). */
const cspSources = (s: string) => s.trim().split(/\s+/).map(cspToken).join(' ');

export function contentSecurityPolicy(page: ViewerPage & { nonce: string }): string {
  const own = cspSources(page.cspSource);
  return [
    "default-src 'none'",
    `script-src 'nonce-${page.nonce}'`,
    `style-src ${own} 'nonce-${page.nonce}'`,
    `font-src ${own}`,
    // transcript images arrive inline (base64) and are shown as data:/blob: URLs; nothing remote is fetched
    `img-src ${own} data: blob:`,
    `connect-src ${page.connectOrigins.map(cspToken).join(' ') || "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
}

export function buildViewerHtml(page: ViewerPage): string {
  const nonce = page.nonce ?? createNonce();
  const csp = contentSecurityPolicy({ ...page, nonce });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${page.styleUri ? `<link rel="stylesheet" href="${attr(page.styleUri)}" nonce="${nonce}">\n` : ''}<title>Tandem session</title>
</head>
<body>
<script nonce="${nonce}" type="module" src="${attr(page.scriptUri)}"></script>
</body>
</html>
`;
}

export type Placeholder = { heading: string; text: string; buttons: readonly { label: string; command: string }[] };

const text = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The viewer before any session is opened: a heading, a line and buttons in VS Code's colours, no script at
 * all. The buttons are command links (the webview allows exactly those commands: viewerWebviewOptions).
 */
export function buildPlaceholderHtml(cspSource: string, content: Placeholder, nonce = createNonce()): string {
  const csp = contentSecurityPolicy({ cspSource, scriptUri: '', connectOrigins: [], nonce });
  const buttons = content.buttons.map((b) => {
    if (!/^tandem\.[A-Za-z]+$/.test(b.command)) throw new Error(`not a Tandem command: ${b.command}`);
    return `<a class="button" href="command:${b.command}">${text(b.label)}</a>`;
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<style nonce="${nonce}">
body { color: var(--vscode-foreground); font: var(--vscode-font-size) var(--vscode-font-family); padding: 16px 12px; display: flex; flex-direction: column; align-items: center; text-align: center; }
h2 { font-size: 1.1em; font-weight: 600; margin: 8px 0 4px; }
p { color: var(--vscode-descriptionForeground); max-width: 28em; margin: 0 0 12px; }
.button { display: block; box-sizing: border-box; width: 100%; max-width: 260px; margin: 4px 0; padding: 4px 12px; border-radius: 2px; text-decoration: none; background: var(--vscode-button-background); color: var(--vscode-button-foreground); }
.button:hover { background: var(--vscode-button-hoverBackground); }
.button + .button { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
.button + .button:hover { background: var(--vscode-button-secondaryHoverBackground); }
.button:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
</style>
</head>
<body><h2>${text(content.heading)}</h2><p>${text(content.text)}</p>${buttons.join('')}</body>
</html>
`;
}
