// The same VS Code suite (test/vscode) in desktop VS Code through @vscode/test-cli, where VS Code can be
// downloaded: `npx vscode-test` after `npm run build`. (Offline, `npm test` runs it in code-server instead:
// scripts/run-vscode-tests.mjs.) Loading this config bundles the suite, so both runners see the same files.
import { defineConfig } from '@vscode/test-cli';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildVscodeTests, vscodeTestsOut } from './scripts/build-vscode-tests.mjs';

await buildVscodeTests();
const root = import.meta.dirname;

export default defineConfig({
  files: path.join(vscodeTestsOut, '**/*.test.js'),
  extensionDevelopmentPath: root,
  workspaceFolder: fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-ws-')),
  launchArgs: ['--disable-extensions'],
  mocha: { ui: 'bdd', timeout: 60_000 },
  env: { TANDEM_REPO_ROOT: root },
});
