import path from 'node:path';
import type * as vscode from 'vscode';
import { DEFAULT_ALLOWED_ORIGINS } from '../../../../relay/src/auth/originPolicy';
import { createJsonLogger } from '../../../../relay/src/logger';
import { startRelay, type RelayHandle } from '../../../../relay/src/startRelay';
import { freePort } from '../../core/sync/freePort';
import { Disposable, toDisposable } from '../lifecycle';
import type { Logger } from '../log';
import type { SettingsService } from '../settings';

const PORT_KEY = 'tandem.embeddedRelay.port';

/**
 * Which relay shares go through: `tandem.relayUrl` when set, else the embedded relay, which runs in the
 * extension host on 127.0.0.1. It starts on first use on the port it had last time, so links handed out
 * earlier keep working, with its rooms in the extension's global storage (one folder per port, like the
 * CLI's). When that port is taken (another VS Code window runs its relay there) it takes a free port and
 * keeps rooms in memory: one process per store, and those links cannot outlive the window anyway.
 */
export class RelayService extends Disposable {
  private embedded: RelayHandle | undefined;
  private starting: Promise<RelayHandle> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly settings: SettingsService,
    private readonly log: Logger,
  ) {
    super();
    this.register(toDisposable(() => void this.stopEmbedded()));
  }

  /** The embedded relay's address while it runs. */
  get embeddedUrl(): string | undefined {
    return this.embedded?.url;
  }

  /** The relay to share through, starting the embedded one when no relay is configured. */
  async relayUrl(): Promise<string> {
    return this.settings.current.relayUrl ?? (await this.startEmbedded()).url;
  }

  async startEmbedded(): Promise<RelayHandle> {
    if (this.embedded) return this.embedded;
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Stops the embedded relay (flushing its rooms). Viewers of its shares lose their connection. */
  async stopEmbedded(): Promise<boolean> {
    const relay = this.embedded ?? (await this.starting?.catch(() => undefined));
    if (!relay) return false;
    this.embedded = undefined;
    await relay.close();
    this.log.info(`embedded relay stopped (${relay.url})`);
    return true;
  }

  private async start(): Promise<RelayHandle> {
    const storage = this.context.globalStorageUri.fsPath;
    const options = {
      host: '127.0.0.1',
      staticDir: path.join(this.context.extensionUri.fsPath, 'dist', 'webview'),
      allowedOrigins: DEFAULT_ALLOWED_ORIGINS,
      // the relay's JSON lines carry no payloads or tokens; they go to the Tandem log at debug level
      log: createJsonLogger((line) => this.log.debug(`relay: ${line.trimEnd()}`), 'info'),
    };
    const port = this.context.globalState.get<number>(PORT_KEY) ?? (await freePort());
    let relay: RelayHandle;
    try {
      relay = await startRelay({ ...options, port, dataDir: path.join(storage, `relay-${port}`) });
      await this.context.globalState.update(PORT_KEY, relay.port);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      relay = await startRelay({ ...options, port: 0 });
      this.log.warn(`embedded relay: port ${port} is taken (another window's relay?), so this one runs on ${relay.port} with rooms in memory`);
    }
    this.embedded = relay;
    this.log.info(`embedded relay listening on ${relay.url}${relay.storageKind === 'memory' ? '' : ` (rooms kept in ${storage})`}`);
    return relay;
  }
}
