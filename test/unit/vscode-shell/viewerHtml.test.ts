import assert from 'node:assert/strict';
import { buildPlaceholderHtml, buildViewerHtml, contentSecurityPolicy, createNonce, relayOrigins } from '../../../extension/src/vscode/webview/viewerHtml';

const page = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/vscode.js',
  connectOrigins: relayOrigins('http://127.0.0.1:4100/base'),
};
const cspOf = (html: string) => /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1].replace(/&#39;|&quot;/g, "'") ?? '';

describe('session viewer webview HTML', () => {
  it('denies by default and lets only its own nonce-tagged script run', () => {
    const html = buildViewerHtml({ ...page, nonce: 'n0nce' });
    const csp = cspOf(html);
    assert.match(csp, /^default-src 'none';/);
    assert.match(csp, /script-src 'nonce-n0nce'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, [`<script nonce="n0nce" type="module" src="${page.scriptUri}">`], 'one module script: its chunks inherit the nonce');
  });

  it('lets the viewer connect to the relay of its link only (http and websocket)', () => {
    assert.match(cspOf(buildViewerHtml(page)), /connect-src http:\/\/127\.0\.0\.1:4100 ws:\/\/127\.0\.0\.1:4100;/);
    assert.deepEqual(relayOrigins('https://relay.example.com/t'), ['https://relay.example.com', 'wss://relay.example.com']);
    assert.match(cspOf(buildViewerHtml({ ...page, connectOrigins: [] })), /connect-src 'none';/);
  });

  it('fetches styles, fonts and images only from its own resources (no remote images)', () => {
    const csp = cspOf(buildViewerHtml({ ...page, styleUri: `${page.cspSource}/ext/dist/webview/vscode.css` }));
    assert.match(csp, new RegExp(`img-src ${page.cspSource.replace(/[.+]/g, '\\$&')} data: blob:;`));
    assert.doesNotMatch(csp, /img-src[^;]*https:(;| )/);
  });

  it("accepts VS Code's multi-source cspSource (code-server: 'self' plus the CDN pattern)", () => {
    const csp = cspOf(buildViewerHtml({ ...page, cspSource: "'self' https://*.vscode-cdn.net" }));
    assert.match(csp, /style-src 'self' https:\/\/\*\.vscode-cdn\.net 'nonce-/);
  });

  it('uses a fresh unguessable nonce per page', () => {
    const a = createNonce();
    assert.notEqual(a, createNonce());
    assert.ok(a.length >= 24);
    const html = buildViewerHtml(page);
    const nonce = /'nonce-([^']+)'/.exec(cspOf(html))?.[1];
    assert.ok(nonce && html.includes(`<script nonce="${nonce}"`));
  });

  it('shows the placeholder as text under the same policy, with no script and no network', () => {
    const html = buildPlaceholderHtml(page.cspSource, { heading: 'Nothing <b>', text: 'Open a <session> & watch', buttons: [{ label: 'Open <x>', command: 'tandem.openSharedSession' }] }, 'n1');
    assert.doesNotMatch(html, /<script/);
    assert.match(html, /<p>Open a &lt;session&gt; &amp; watch<\/p>/);
    assert.match(html, /<a class="button" href="command:tandem.openSharedSession">Open &lt;x&gt;<\/a>/);
    assert.throws(() => buildPlaceholderHtml(page.cspSource, { heading: '', text: '', buttons: [{ label: 'x', command: 'workbench.action.terminal.new' }] }), /not a Tandem command/);
    assert.match(cspOf(html), /^default-src 'none'; script-src 'nonce-n1'; .*connect-src 'none';/);
  });

  it('refuses a source that would inject into the policy', () => {
    assert.throws(() => contentSecurityPolicy({ ...page, nonce: 'n', connectOrigins: ["http://a; script-src 'unsafe-inline'"] }), /not a CSP source/);
    assert.throws(() => relayOrigins('file:///etc/passwd'), /must be http\(s\)/);
  });
});
