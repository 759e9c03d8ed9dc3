import { createJsonLogger } from '../../../relay/src/logger';
import { startRelay, type RelayHandle } from '../../../relay/src/startRelay';
import { DEFAULT_RELAY_PORT } from '../core/agent/agentFiles';
import { LocalRelayError, ensureLocalRelay } from '../core/agent/localAgent';
import { ExitCode, UserError } from './command';

// The relay `tandem share` uses when no --relay is given: the local agent's (core/agent), on
// 127.0.0.1, started on first use and left running for the other shares when this one stops, rooms
// kept under the Tandem folder so a restarted share continues with the same links. Port 0 picks a free
// port: its links cannot outlive this process, so that relay runs here with its rooms in memory.

export { DEFAULT_RELAY_PORT };

export type LocalRelay = { url: string; embedded: RelayHandle | undefined; dataDir: string | undefined; agentPid: number | undefined };

export async function startLocalRelay(home: string, port: number, stderr: NodeJS.WritableStream): Promise<LocalRelay> {
  if (port === 0) {
    const embedded = await startRelay({ host: '127.0.0.1', port, log: createJsonLogger((line) => stderr.write(line), 'warn') });
    return { url: embedded.url, embedded, dataDir: undefined, agentPid: undefined };
  }
  try {
    const agent = await ensureLocalRelay({ home, port, onProgress: (m) => stderr.write(`${m}\n`) });
    return { url: agent.url, embedded: undefined, dataDir: agent.dataDir, agentPid: agent.pid };
  } catch (e) {
    if (!(e instanceof LocalRelayError)) throw e;
    throw new UserError(`${e.message}; ${cliAdvice(e)}`, e.failure.kind === 'impostor' ? ExitCode.unreachable : ExitCode.error);
  }
}

function cliAdvice(e: LocalRelayError): string {
  const f = e.failure;
  if (f.kind === 'impostor') return `stop what holds port ${e.port} (e.g. \`lsof -i :${e.port}\`), or share through another port with --port N, or a relay you trust with --relay URL`;
  if (f.kind === 'locked') return `stop it (\`kill ${f.pid}\`) and share again, or share through it with --relay http://HOST:PORT, or use another port with --port N (its rooms go to their own folder)`;
  return 'try again, or share through a relay of your own with --relay URL';
}
