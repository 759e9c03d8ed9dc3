// Packages dist/ into a .vsix with @vscode/vsce: bundled code only (no node_modules: everything the extension
// needs is in dist/extension.js), files chosen by the .vscodeignore allowlist.
// `npm run package` builds for production first, then calls this; the VS Code harness packages the current dist/.
import vsce from '@vscode/vsce';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

export async function packageVsix(outFile) {
  if (!fs.existsSync(path.join(root, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  await vsce.createVSIX({ cwd: root, packagePath: outFile, dependencies: false, skipLicense: true, allowMissingRepository: true });
  return outFile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const out = path.resolve(process.argv[2] ?? `${pkg.name}-${pkg.version}.vsix`);
  await packageVsix(out);
  console.log(`${path.relative(process.cwd(), out)}: ${(fs.statSync(out).size / 1024).toFixed(1)} KiB`);
}
