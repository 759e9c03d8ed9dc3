// `npm test`: every suite, then one closing `N passed, N failed, N skipped` line over all of them.
//   1. mocha in plain Node: unit, relay, end-to-end (real claude CLI) and browser (Chromium) tests
//   2. the extension suite inside a real VS Code (code-server), unless TANDEM_SKIP_VSCODE=1
// Extra arguments go to mocha (e.g. `npm test -- --grep relay`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const total = { passed: 0, failed: 0, skipped: 0 };

function runSuite(name, cmd, args, env = {}) {
  const statsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-stats-')), 'stats.json');
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env, TANDEM_STATS_FILE: statsFile } });
  let stats = null;
  try {
    stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
  } catch {
    stats = { passed: 0, failed: 1, skipped: 0 }; // the suite crashed before reporting
    console.log(`${name}: the suite ended (exit ${r.status ?? r.signal}) without reporting results`);
  }
  if (r.status !== 0 && stats.failed === 0) stats.failed = 1;
  for (const k of Object.keys(total)) total[k] += stats[k];
}

runSuite('node suites (mocha)', process.execPath, [path.join(root, 'node_modules/mocha/bin/mocha.js'), ...process.argv.slice(2)]);
if (process.env.TANDEM_SKIP_VSCODE !== '1' && fs.existsSync(path.join(root, 'scripts/run-vscode-tests.mjs'))) {
  runSuite('extension suite (real VS Code via code-server)', process.execPath, [path.join(root, 'scripts/run-vscode-tests.mjs')]);
}
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
