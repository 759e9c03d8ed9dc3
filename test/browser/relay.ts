import { startDevRelay, type DevRelay } from './devRelay';

// The relay the browser tests run against. TODO(relay): switch to relay/src's start function once it
// exports one; until then the interim server in devRelay.ts stands in.
export type TestRelay = Pick<DevRelay, 'url' | 'close'>;

export function startTestRelay(): Promise<TestRelay> {
  return startDevRelay();
}
