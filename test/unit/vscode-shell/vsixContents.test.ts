import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Every media file package.json points at (icons, walkthrough pages). */
function referencedMedia(node: unknown, found = new Set<string>()): Set<string> {
  if (typeof node === 'string' && /^media\//.test(node)) found.add(node);
  else if (node && typeof node === 'object') for (const v of Object.values(node)) referencedMedia(v, found);
  return found;
}

describe('the .vsix', function () {
  this.timeout(60_000);

  it('holds only what the extension loads: its bundle, the viewer, the media package.json names, the docs', async function () {
    if (!fs.existsSync(path.join(root, 'dist/extension.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    const script = (await import(pathToFileURL(path.join(root, 'scripts/package-vsix.mjs')).href)) as { vsixFiles(): Promise<string[]> };
    const files = new Set(await script.vsixFiles());
    const expected = new Set([
      'package.json',
      'package.nls.json',
      'LICENSE',
      'CHANGELOG.md',
      'extension/README.md',
      pkg.main.replace(/^\.\//, ''),
      // the local agent the extension starts to run the embedded relay (core/agent/localAgent.ts)
      'dist/agent.js',
      // the sidebar/tab viewer, and the page the embedded relay serves to browsers
      ...['vscode.js', 'vscode.css', 'browser.js', 'browser.css', 'index.html', 'favicon.svg'].map((f) => `dist/webview/${f}`),
      // the chunks those ES modules import: shared code and the lazily loaded syntax highlighter
      ...fs.readdirSync(path.join(root, 'dist/webview')).filter((f) => /^(chunk|highlighter)-[A-Z0-9]+\.js$/.test(f)).map((f) => `dist/webview/${f}`),
      // the editor tab's icons (webview/viewerPanels.ts), one per theme kind
      'media/tandem-light.svg',
      'media/tandem-dark.svg',
      ...referencedMedia(pkg),
    ]);
    assert.deepEqual([...files].filter((f) => !expected.has(f)).sort(), [], 'files in the package nothing loads (dist/cli.js, source maps…)');
    assert.deepEqual([...expected].filter((f) => !files.has(f)).sort(), [], 'files the extension needs that the package lacks');
  });
});
