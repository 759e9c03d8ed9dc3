import path from 'node:path';
import { createJsonLogger } from '../../relay/src/logger';
import { startRelay, type RelayHandle } from '../../relay/src/startRelay';

// The real relay on a free port with in-memory rooms, serving the viewer's browser build from
// dist/webview (the browser suite builds it first). Its log lines are kept for assertions about what it
// refused, and never printed.
export type TestRelay = Pick<RelayHandle, 'url' | 'close' | 'metrics'> & { logs: string[] };

export async function startTestRelay(): Promise<TestRelay> {
  const logs: string[] = [];
  const relay = await startRelay({ port: 0, staticDir: path.resolve(__dirname, '../../dist/webview'), log: createJsonLogger((l) => logs.push(l), 'debug') });
  return { url: relay.url, metrics: relay.metrics, close: () => relay.close(), logs };
}
