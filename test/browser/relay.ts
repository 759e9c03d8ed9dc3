import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createJsonLogger } from '../../relay/src/logger';
import type { RelayOptions } from '../../relay/src/relayOptions';
import { startRelay, type RelayHandle } from '../../relay/src/startRelay';

// The real relay on a free port with in-memory rooms, serving the viewer's browser build from
// dist/webview (the browser suite builds it first). Its log lines are kept for assertions about what it
// refused, and never printed.
export type TestRelay = Pick<RelayHandle, 'url' | 'close' | 'metrics'> & { logs: string[] };

export const VIEWER_DIST = path.resolve(__dirname, '../../dist/webview');

/** Builds the bundles when a bare `mocha` run finds no viewer build (`npm test` builds first). */
export function ensureViewerBuilt(): void {
  if (!fs.existsSync(path.join(VIEWER_DIST, 'browser.js'))) execFileSync(process.execPath, [path.resolve(__dirname, '../../scripts/build.mjs')], { stdio: 'ignore' });
}

export async function startTestRelay(options: Pick<RelayOptions, 'allowedOrigins' | 'limits'> = {}): Promise<TestRelay> {
  ensureViewerBuilt();
  const logs: string[] = [];
  const relay = await startRelay({ port: 0, staticDir: VIEWER_DIST, log: createJsonLogger((l) => logs.push(l), 'debug'), ...options });
  return { url: relay.url, metrics: relay.metrics, close: () => relay.close(), logs };
}
