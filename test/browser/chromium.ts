import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

// Debian's Chromium, headless, with a fresh profile per launch. Screenshots go to test-artifacts/.
export const CHROMIUM = process.env.TANDEM_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

export function hasChromium(): boolean {
  return fs.existsSync(CHROMIUM);
}

/** For a suite's `before`: skips it where Chromium is missing, but fails under CI, where .ci/run installs it. */
export function requireChromium(suite: Mocha.Context): void {
  if (hasChromium()) return;
  if (process.env.CI) throw new Error(`Chromium is not at ${CHROMIUM}: .ci/run must apt-get install chromium (or set TANDEM_CHROMIUM)`);
  suite.skip();
}

/** Playwright's launch() gives every browser a fresh temporary profile (user-data-dir) of its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export function artifactPath(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}
