// One esbuild script for every bundle: the VS Code extension, the `tandem` CLI, the standalone relay,
// and the session viewer (VS Code webview + browser). Type-checking is separate (`tsc -b`).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const root = path.resolve(import.meta.dirname, '..');
const r = (p) => path.join(root, p);

const pkg = JSON.parse(fs.readFileSync(r('package.json'), 'utf8'));

const node = {
  define: { __TANDEM_VERSION__: JSON.stringify(pkg.version) },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // y-websocket's optional leveldb persistence and ws's optional native helpers are never used.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
};

const builds = [
  // The extension's embedded relay never uses Redis (`--redis` is for `tandem relay` nodes): its client stays out of the .vsix.
  { ...node, entryPoints: [r('extension/src/vscode/extension.ts')], outfile: r('dist/extension.js'), external: [...node.external, 'ioredis'] },
  { ...node, entryPoints: [r('extension/src/cli/main.ts')], outfile: r('dist/cli.js') },
  { ...node, entryPoints: [r('relay/src/main.ts')], outfile: r('dist/relay.js') },
  { ...node, entryPoints: [r('extension/src/agent/main.ts')], outfile: r('dist/agent.js') },
  {
    bundle: true,
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    // ES modules with splitting: the syntax highlighter is a chunk of its own, fetched on the first code block
    format: 'esm',
    splitting: true,
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryPoints: { vscode: r('webview-ui/src/entries/vscode.tsx'), browser: r('webview-ui/src/entries/browser.tsx') },
    outdir: r('dist/webview'),
    loader: { '.css': 'css' },
  },
];

fs.rmSync(r('dist'), { recursive: true, force: true });
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  const t0 = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  const copy = r('webview-ui/static');
  if (fs.existsSync(copy)) fs.cpSync(copy, r('dist/webview'), { recursive: true });
  // the browser tab's icon: the activity-bar icon in the viewer's accent (currentColor is black in a tab strip)
  fs.writeFileSync(r('dist/webview/favicon.svg'), fs.readFileSync(r('media/tandem.svg'), 'utf8').replace('currentColor', '#d97757'));
  console.log(`built ${builds.length} bundles in ${Date.now() - t0} ms${production ? ' (production)' : ''}`);
}
