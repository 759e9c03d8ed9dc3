import path from 'node:path';
import { createJsonLogger } from '../../../relay/src/logger';
import { startRelay, type RelayHandle } from '../../../relay/src/startRelay';
import { UserError } from './command';

// The relay `tandem share` starts when no --relay is given: on 127.0.0.1, rooms kept under the
// Tandem folder (one folder per port) so a restarted share continues with the same links. When the
// port is taken by another Tandem relay (a second `tandem share`), that one is used. Port 0 picks a
// free port: its links cannot outlive the process, so its rooms stay in memory.

export type LocalRelay = { url: string; embedded: RelayHandle | undefined; dataDir: string | undefined };

export const DEFAULT_RELAY_PORT = 8787;

export async function startLocalRelay(home: string, port: number, stderr: NodeJS.WritableStream): Promise<LocalRelay> {
  const dataDir = port === 0 ? undefined : path.join(home, port === DEFAULT_RELAY_PORT ? 'relay' : `relay-${port}`);
  const url = `http://127.0.0.1:${port}`;
  try {
    const embedded = await startRelay({ host: '127.0.0.1', port, dataDir, log: createJsonLogger((line) => stderr.write(line), 'warn') });
    return { url: embedded.url, embedded, dataDir };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw new UserError(`the embedded relay could not start: ${(e as Error).message}`);
    if (await isTandemRelay(url)) return { url, embedded: undefined, dataDir };
    throw new UserError(`port ${port} on 127.0.0.1 is in use by something that is not a Tandem relay; pick another with --port, or use a relay with --relay URL`);
  }
}

async function isTandemRelay(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) });
    return res.ok && (await res.text()).includes('tandem_relay_');
  } catch {
    return false;
  }
}
