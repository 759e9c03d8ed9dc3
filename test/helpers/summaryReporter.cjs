// Mocha's spec reporter plus the closing `N passed, N failed, N skipped` line CI reads, and the
// counts in a JSON file (TANDEM_STATS_FILE) so scripts/test.mjs can add up several suites.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats || {};
      const line = `${s.passes || 0} passed, ${s.failures || 0} failed, ${s.pending || 0} skipped`;
      console.log(line);
      if (process.env.TANDEM_STATS_FILE) fs.writeFileSync(process.env.TANDEM_STATS_FILE, JSON.stringify({ passed: s.passes || 0, failed: s.failures || 0, skipped: s.pending || 0 }));
    });
  }
}
module.exports = SummaryReporter;
