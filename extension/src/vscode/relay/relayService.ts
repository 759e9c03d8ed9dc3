import path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_ALLOWED_ORIGINS } from '../../../../relay/src/auth/originPolicy';
import { createJsonLogger } from '../../../../relay/src/logger';
import { startRelay, type RelayHandle } from '../../../../relay/src/startRelay';
import { Disposable, toDisposable } from '../lifecycle';
import type { Logger } from '../log';
import type { SettingsService } from '../settings';

const PORT_KEY = 'tandem.embeddedRelay.port';

/**
 * Which relay shares go through: `tandem.relayUrl` when set, else the embedded relay, which runs in the
 * extension host on 127.0.0.1 and keeps its rooms in the extension's global storage. The embedded relay
 * starts on first use and tries the port it had last time, so links handed out earlier keep working.
 */
export class RelayService extends Disposable {
  private embedded: RelayHandle | undefined;
  private starting: Promise<RelayHandle> | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

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
    if (!this.isDisposed) this.changed.fire();
    return true;
  }

  private async start(): Promise<RelayHandle> {
    const storage = this.context.globalStorageUri.fsPath;
    const lastPort = this.context.globalState.get<number>(PORT_KEY);
    const options = {
      host: '127.0.0.1',
      dataDir: path.join(storage, 'relay'),
      staticDir: path.join(this.context.extensionUri.fsPath, 'dist', 'webview'),
      allowedOrigins: DEFAULT_ALLOWED_ORIGINS,
      // the relay's JSON lines carry no payloads or tokens; they go to the Tandem log at debug level
      log: createJsonLogger((line) => this.log.debug(`relay: ${line.trimEnd()}`), 'info'),
    };
    let relay: RelayHandle;
    try {
      relay = await startRelay({ ...options, port: lastPort ?? 0 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || lastPort === undefined) throw e;
      this.log.warn(`embedded relay: port ${lastPort} is taken; links made for that port stop working`);
      relay = await startRelay({ ...options, port: 0 });
    }
    await this.context.globalState.update(PORT_KEY, relay.port);
    this.embedded = relay;
    this.log.info(`embedded relay listening on ${relay.url} (rooms kept in ${options.dataDir})`);
    this.changed.fire();
    return relay;
  }
}
