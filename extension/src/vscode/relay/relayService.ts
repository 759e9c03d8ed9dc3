import * as vscode from 'vscode';
import { LocalRelayError, ensureLocalRelay, stopAgent } from '../../core/agent/localAgent';
import { freePort } from '../../core/sync/freePort';
import { tandemHome } from '../../core/sync/shareStore';
import { UserFacingError } from '../commands';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import type { SettingsService } from '../settings';

const PORT_KEY = 'tandem.embeddedRelay.port';

/**
 * Which relay shares go through: `tandem.relayUrl` when set, else the local relay, which the user's
 * local agent runs on 127.0.0.1 (core/agent): a background process shared by every VS Code window and
 * `tandem share`, so a window reload or a closed window does not take the relay from the others. It
 * starts on first use on the port it had last time (shared by all windows), so earlier links keep
 * working; the agent proves it is ours before anything is sent to it.
 */
export class RelayService extends Disposable {
  private url: string | undefined;
  private starting: Promise<{ url: string }> | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** this window started or stopped using the local relay */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly settings: SettingsService,
    private readonly log: Logger,
  ) {
    super();
  }

  /** The local relay's address once this window has used it. */
  get embeddedUrl(): string | undefined {
    return this.url;
  }

  /** The relay to share through, starting the local one when no relay is configured. */
  async relayUrl(): Promise<string> {
    return this.settings.current.relayUrl ?? (await this.startEmbedded()).url;
  }

  async startEmbedded(): Promise<{ url: string }> {
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Stops the local agent (flushing its rooms), for every window and terminal that uses it. */
  async stopEmbedded(): Promise<boolean> {
    const port = this.context.globalState.get<number>(PORT_KEY);
    if (!this.url || port === undefined) return false;
    this.url = undefined;
    this.changed.fire();
    const pid = await stopAgent(tandemHome(process.env), port);
    this.log.info(`local relay on port ${port} stopped${pid ? ` (pid ${pid})` : ''}`);
    return pid !== undefined;
  }

  private async start(): Promise<{ url: string }> {
    const port = this.context.globalState.get<number>(PORT_KEY) ?? (await freePort());
    try {
      const relay = await ensureLocalRelay({ home: tandemHome(process.env), port, onProgress: (m) => this.log.info(m) });
      await this.context.globalState.update(PORT_KEY, port);
      this.url = relay.url;
      this.changed.fire();
      this.log.info(`local relay ${relay.started ? 'started' : 'in use'} on ${relay.url} (agent pid ${relay.pid ?? '?'}, rooms kept in ${relay.dataDir})`);
      return { url: relay.url };
    } catch (e) {
      if (!(e instanceof LocalRelayError)) throw e;
      throw new UserFacingError(`${e.message}; ${vscodeAdvice(e)}`);
    }
  }
}

function vscodeAdvice(e: LocalRelayError): string {
  const f = e.failure;
  if (f.kind === 'impostor') return `stop what holds port ${e.port}, or set \`tandem.relayUrl\` to a relay you trust`;
  if (f.kind === 'locked') return `stop it (Tandem: Stop Embedded Relay in the window that runs it, or \`kill ${f.pid}\`), or set \`tandem.relayUrl\` to share through it`;
  return 'try again, or set `tandem.relayUrl` to a relay of your own';
}

