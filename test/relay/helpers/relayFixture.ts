import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { TOKEN_SUBPROTOCOL_PREFIX, boundAuthor, decodeToken, roomName, websocketBase, type BoundEntry, type Role, type RoomKind } from '../../../protocol/src';
import { generateShareKeys, signToken, type ShareKeys } from '../../../extension/src/core/sync/shareKeys';
import { startRelay, type RelayHandle } from '../../../relay/src/startRelay';
import { createJsonLogger, type Logger } from '../../../relay/src/logger';
import type { RelayOptions } from '../../../relay/src/relayOptions';
import { waitFor } from '../../helpers/waitFor';

// A real relay on port 0 plus helpers to make shares, tokens and stock y-websocket clients.
// Everything created is disposed by `dispose()` (call it in afterEach).

/** The author and token id the relay expects in queue entries written with `token`. */
export function authorOf(token: string): BoundEntry {
  const decoded = decodeToken(token);
  if (!decoded) throw new Error('not a token');
  return boundAuthor(decoded.claims);
}

export type LogLine = { level: string; msg: string; [k: string]: unknown };

export class RelayFixture {
  relay!: RelayHandle;
  readonly logs: LogLine[] = [];
  readonly rawLog: string[] = [];
  private readonly disposers: Array<() => unknown> = [];
  readonly log: Logger = createJsonLogger((line) => {
    this.rawLog.push(line);
    this.logs.push(JSON.parse(line) as LogLine);
  }, 'debug');

  async start(options: RelayOptions = {}): Promise<RelayHandle> {
    this.relay = await startRelay({ port: 0, log: this.log, ...options });
    this.disposers.push(() => this.relay.close());
    return this.relay;
  }

  tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-relay-test-'));
    this.disposers.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  share(): ShareKeys {
    return generateShareKeys();
  }

  token(keys: ShareKeys, role: Role, ttlSeconds = 3600): string {
    return signToken(keys, { role, ttlSeconds }).token;
  }

  /** A stock y-websocket WebsocketProvider, its token in the `tandem.<token>` subprotocol as the README tells stock clients to send it. */
  stockClient(keys: ShareKeys, room: RoomKind, token: string, doc = new Y.Doc()): { doc: Y.Doc; provider: WebsocketProvider } {
    return this.stockClientAt(this.relay.url, keys, room, token, doc);
  }

  stockClientAt(relayUrl: string, keys: ShareKeys, room: RoomKind, token: string, doc = new Y.Doc()): { doc: Y.Doc; provider: WebsocketProvider } {
    const provider = new WebsocketProvider(websocketBase(relayUrl), roomName(keys.shareId, room), doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      protocols: [`${TOKEN_SUBPROTOCOL_PREFIX}${token}`],
      disableBc: true,
    });
    this.disposers.push(() => provider.destroy());
    return { doc, provider };
  }

  async synced(provider: WebsocketProvider, timeoutMs = 5000): Promise<void> {
    await waitFor(() => provider.synced, { timeoutMs, what: `${provider.roomname} to sync` });
  }

  onDispose(fn: () => unknown): void {
    this.disposers.push(fn);
  }

  async dispose(): Promise<void> {
    for (const fn of this.disposers.splice(0).reverse()) await fn();
  }
}
