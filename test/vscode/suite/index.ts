// The suite's entry inside the extension host (extensionTestsPath), written as for @vscode/test-electron:
// mocha runs every bundled *.test.js beside this folder. The closing `N passed, N failed, N skipped` line is
// what scripts/run-vscode-tests.mjs reads to count the tests.
import Mocha from 'mocha';
import fs from 'node:fs';
import path from 'node:path';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, grep: process.env.TANDEM_VSCODE_GREP || undefined });
  const testsRoot = path.resolve(__dirname, '..');
  // sorted: activation.test.js must see the extension before anything else wakes it
  // TANDEM_VSCODE_PHASE: `main` (or unset) runs everything but reload/; the harness reloads the window
  // between `before-reload` (reload/before.test.js) and `after-reload` (reload/after.test.js).
  const phase = process.env.TANDEM_VSCODE_PHASE ?? 'main';
  const inPhase = (f: string) => (phase === 'main' ? !f.startsWith('reload/') : f === `reload/${phase.replace('-reload', '')}.test.js`);
  const files = (fs.readdirSync(testsRoot, { recursive: true }) as string[]).filter((f) => f.endsWith('.test.js') && inPhase(f)).sort();
  for (const file of files) mocha.addFile(path.join(testsRoot, file));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats;
      console.log(`${stats?.passes ?? 0} passed, ${failures} failed, ${stats?.pending ?? 0} skipped`);
      if (failures > 0) reject(new Error(`${failures} VS Code tests failed`));
      else resolve();
    });
  });
}
