// Bundles the VS Code suite (test/vscode/**) for the extension host: the suite index plus one bundle per
// *.test.ts, so the same files serve our harness (scripts/run-vscode-tests.mjs loads suite/index.js) and
// @vscode/test-cli (.vscode-test.mjs globs the *.test.js files). `vscode` comes from the host and mocha is
// resolved from node_modules at run time (the suite must share the mocha instance that runs it).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
export const vscodeTestsOut = path.join(root, '.vscode-test/out');

export async function buildVscodeTests() {
  const src = path.join(root, 'test/vscode');
  const entryPoints = fs
    .readdirSync(src, { recursive: true })
    .filter((f) => /(^|\/)(suite\/index|[^/]+\.test)\.ts$/.test(f))
    .map((f) => path.join(src, f));
  fs.rmSync(vscodeTestsOut, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outbase: src,
    outdir: vscodeTestsOut,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    external: ['vscode', 'mocha'],
  });
  return entryPoints.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = await buildVscodeTests();
  console.log(`built ${n} VS Code test bundles into ${path.relative(root, vscodeTestsOut)}`);
}
