// Packages dist/ into a .vsix with @vscode/vsce: bundled code only (no node_modules: everything the extension
// needs is in dist/extension.js), files chosen by the .vscodeignore allowlist. The Marketplace page shows
// extension/README.md (written for users; the repo README is the developer one), its images from the repo.
// vsce lists every file under its cwd before applying .vscodeignore, and the repo holds code-server's install
// (hundreds of thousands of files): so it packages a staging copy of the top-level entries that can ship.
// `npm run package` builds for production first, then calls this; the VS Code harness packages the current dist/.
import vsce from '@vscode/vsce';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const shippable = ['package.json', 'package.nls.json', 'LICENSE', 'CHANGELOG.md', '.vscodeignore', 'extension/README.md', 'dist', 'media'];
const readmePath = 'extension/README.md';

async function withStaging(fn) {
  if (!fs.existsSync(path.join(root, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-vsix-'));
  try {
    for (const entry of shippable.filter((e) => fs.existsSync(path.join(root, e)))) fs.cpSync(path.join(root, entry), path.join(staging, entry), { recursive: true });
    return await fn(staging);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

export async function packageVsix(outFile) {
  const repo = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).repository.url.replace(/\.git$/, '');
  await withStaging((cwd) =>
    vsce.createVSIX({ cwd, packagePath: path.resolve(outFile), dependencies: false, readmePath, baseContentUrl: `${repo}/blob/HEAD/extension`, baseImagesUrl: `${repo}/raw/HEAD/extension` }),
  );
  return outFile;
}

/** The files the .vsix would hold (vsce's own listing, same rules as packageVsix). */
export function vsixFiles() {
  return withStaging((cwd) => vsce.listFiles({ cwd, packageManager: vsce.PackageManager.None, readmePath }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const out = path.resolve(process.argv[2] ?? `${pkg.name}-${pkg.version}.vsix`);
  await packageVsix(out);
  console.log(`${path.relative(process.cwd(), out)}: ${(fs.statSync(out).size / 1024).toFixed(1)} KiB`);
}
