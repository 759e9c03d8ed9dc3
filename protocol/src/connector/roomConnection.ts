import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as authProtocol from 'y-protocols/auth';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { CloseCode, MessageType, isPermanentClose } from '../closeCodes';
import { TOKEN_SUBPROTOCOL_PREFIX, WS_PATH_PREFIX, roomName, websocketBase } from '../links';
import { canWrite, type RoomKind } from '../roles';
import { decodeToken } from '../tokens';
import { fetchRefusalCheck, SOCKET_OPEN, type RefusalCheck, type SocketFactory, type SocketLike } from './socket';
import { encodeStateVectorMap, encodeUpdateChunks } from './updateChunks';

// Connects one Y.Doc to one relay room and keeps it connected: y-websocket's wire protocol, the token
// in the Sec-WebSocket-Protocol header, reconnects with exponential backoff and jitter, and a status
// a UI can show. It stops for good when the relay says the link is refused (4401/4403, or an upgrade
// the relay's /check explains as refused) and reports why. Writers answer the relay's SyncStep1 in
// chunks, so a host can push a transcript bigger than one frame. One implementation for Node (host,
// CLI) and the browser/webview: the socket factory is injected.

export type RoomStatus =
  | { state: 'connecting'; attempt: number }
  | { state: 'synced' }
  | { state: 'offline'; attempt: number; retryInMs: number; reason: string }
  | { state: 'refused'; code: number; reason: string }
  | { state: 'closed' };

export type RoomConnectionOptions = {
  /** http(s)://relay[:port][/base], as in a share link */
  relayUrl: string;
  shareId: string;
  room: RoomKind;
  token: string;
  doc: Y.Doc;
  socket: SocketFactory;
  /** presence; the connector publishes only this client's own state */
  awareness?: awarenessProtocol.Awareness;
  /** the relay's access key (hosts opening a new share on a relay that requires one) */
  accessKey?: string;
  /** asks the relay why an upgrade failed; null to skip (default: POST /check with fetch) */
  refusalCheck?: RefusalCheck | null;
  chunkBytes?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  /** reconnect when nothing arrives for this long (a query is sent at half of it) */
  livenessMs?: number;
  random?: () => number;
};

const DEFAULT_CHUNK = 2 * 1024 * 1024;

export class RoomConnection {
  status: RoomStatus = { state: 'connecting', attempt: 0 };
  private socket: SocketLike | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private livenessTimer: ReturnType<typeof setInterval> | null = null;
  private lastReceived = 0;
  private disposed = false;
  private readonly mayWrite: boolean;
  private readonly statusListeners = new Set<(s: RoomStatus) => void>();
  private readonly deniedListeners = new Set<(reason: string) => void>();
  /** At most one SyncStep1 is in flight (the relay merges repeats): what its SyncStep2 answers, or
   *  null when none is; `nextStep1` waits for the next one, sent when that answer comes. */
  private awaitingStep2: Array<() => void> | null = null;
  private nextStep1: Array<() => void> = [];
  private readonly flushWaiters = new Set<() => void>();
  private readonly opts: Required<Omit<RoomConnectionOptions, 'awareness' | 'accessKey' | 'refusalCheck'>> & RoomConnectionOptions;

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin !== this) this.send(syncMessage(syncProtocol.messageYjsUpdate, update));
  };

  private readonly onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    const awareness = this.opts.awareness;
    if (!awareness || origin === this) return;
    const own = [...added, ...updated, ...removed].filter((id) => id === awareness.clientID);
    if (own.length > 0) this.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, own)));
  };

  constructor(options: RoomConnectionOptions) {
    this.opts = {
      chunkBytes: DEFAULT_CHUNK,
      backoff: {},
      livenessMs: 60_000,
      random: Math.random,
      ...options,
    };
    const role = decodeToken(options.token)?.claims.role;
    this.mayWrite = role !== undefined && canWrite(role, options.room);
    // Only writers listen for local changes: a doc with an update listener re-encodes every
    // transaction, which for a reader is every chunk of its initial sync, for nothing.
    if (this.mayWrite) options.doc.on('update', this.onDocUpdate);
    options.awareness?.on('update', this.onAwarenessUpdate);
    this.open();
  }

  /** Calls `listener` on every status change; returns the unsubscribe function. */
  onStatus(listener: (s: RoomStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** The relay dropped one of our writes (the role may not write this room). */
  onDenied(listener: (reason: string) => void): () => void {
    this.deniedListeners.add(listener);
    return () => this.deniedListeners.delete(listener);
  }

  /** Resolves at the next `synced`; rejects if the link is refused or the connection disposed first. */
  whenSynced(): Promise<void> {
    if (this.status.state === 'synced') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.onStatus((s) => {
        if (s.state === 'synced') resolve();
        else if (s.state === 'refused') reject(new Error(s.reason));
        else if (s.state === 'closed') reject(new Error('the connection was closed'));
        else return;
        off();
      });
    });
  }

  /** Resolves once the relay has stored every change this client made before the call (writers only:
   *  the relay answers a SyncStep1 only after the writes that came before it are durable). */
  flush(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.flushWaiters.delete(done);
        resolve();
      };
      this.flushWaiters.add(done);
      if (this.status.state === 'synced') this.sendSyncStep1(done);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.opts.doc.off('update', this.onDocUpdate);
    this.opts.awareness?.off('update', this.onAwarenessUpdate);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stopLiveness();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      this.detach(socket);
      socket.close(CloseCode.normal, 'client closed');
    }
    this.setStatus({ state: 'closed' });
    this.statusListeners.clear();
    this.deniedListeners.clear();
  }

  private open(): void {
    if (this.disposed) return;
    this.setStatus({ state: 'connecting', attempt: this.attempt });
    const { relayUrl, shareId, room, token, accessKey } = this.opts;
    let socket: SocketLike;
    try {
      socket = this.opts.socket(`${websocketBase(relayUrl)}/${roomName(shareId, room)}`, [TOKEN_SUBPROTOCOL_PREFIX + token], accessKey ? { 'x-tandem-access-key': accessKey } : {});
    } catch (e) {
      this.retry(`could not open a connection: ${(e as Error).message}`);
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      opened = true;
      this.lastReceived = Date.now();
      this.awaitingStep2 = null;
      this.nextStep1 = [];
      // A writer first answers the relay's SyncStep1 (sent to writers on connect), then asks for the
      // relay's state: the answer then also acknowledges everything it pushed.
      if (!this.mayWrite) this.sendSyncStep1(null);
      const awareness = this.opts.awareness;
      if (awareness?.getLocalState()) this.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID])));
      this.startLiveness();
    };
    socket.onmessage = (event) => {
      this.lastReceived = Date.now();
      try {
        this.receive(toBytes(event.data));
      } catch (e) {
        socket.close(1007, 'malformed message');
        this.retry(`the relay sent a message this client cannot read (${(e as Error).message})`);
      }
    };
    socket.onerror = () => undefined; // the close event that follows carries what we act on
    socket.onclose = (event) => void this.closed(socket, event.code, event.reason, opened);
  }

  private receive(bytes: Uint8Array): void {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    const { doc, awareness } = this.opts;
    switch (type) {
      case MessageType.sync: {
        const kind = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (kind === syncProtocol.messageYjsSyncStep1) this.answerSyncStep1(payload);
        else Y.applyUpdate(doc, payload, this);
        if (kind === syncProtocol.messageYjsSyncStep2) this.step2Received();
        return;
      }
      case MessageType.awareness:
        if (awareness) awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), this);
        return;
      case MessageType.auth:
        authProtocol.readAuthMessage(decoder, doc, (_doc, reason) => this.deniedListeners.forEach((l) => l(reason)));
        return;
      case MessageType.queryAwareness:
        if (awareness?.getLocalState()) this.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID])));
        return;
      default:
        throw new Error(`unknown message type ${type}`);
    }
  }

  /** What the relay lacks, in chunks, then a SyncStep2 with the rest (and the delete set). */
  private answerSyncStep1(stateVector: Uint8Array): void {
    if (!this.mayWrite) return;
    const { chunks, upTo } = encodeUpdateChunks(this.opts.doc, Y.decodeStateVector(stateVector), this.opts.chunkBytes);
    for (const chunk of chunks) this.send(syncMessage(syncProtocol.messageYjsUpdate, chunk));
    this.send(syncMessage(syncProtocol.messageYjsSyncStep2, Y.encodeStateAsUpdate(this.opts.doc, encodeStateVectorMap(upTo))));
    if (this.status.state !== 'synced' && this.awaitingStep2 === null) this.sendSyncStep1(null);
  }

  private sendSyncStep1(onAnswer: (() => void) | null): void {
    if (onAnswer) this.nextStep1.push(onAnswer);
    if (this.awaitingStep2) return;
    this.awaitingStep2 = this.nextStep1;
    this.nextStep1 = [];
    this.send(syncMessage(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(this.opts.doc)));
  }

  private step2Received(): void {
    const answered = this.awaitingStep2 ?? [];
    this.awaitingStep2 = null;
    for (const done of answered) done();
    if (this.nextStep1.length > 0) this.sendSyncStep1(null);
    if (this.status.state === 'synced') return;
    this.attempt = 0;
    this.setStatus({ state: 'synced' });
    // The first sync after (re)connecting covers every change made before it.
    for (const done of [...this.flushWaiters]) done();
  }

  private async closed(socket: SocketLike, code: number, reason: string, opened: boolean): Promise<void> {
    if (socket !== this.socket) return;
    this.detach(socket);
    this.socket = null;
    this.stopLiveness();
    this.forgetRemotePresence();
    if (this.disposed) return;
    if (isPermanentClose(code)) {
      this.setStatus({ state: 'refused', code, reason: reason || 'the relay refused this link' });
      return;
    }
    if (!opened && this.opts.refusalCheck !== null) {
      const check = this.opts.refusalCheck ?? fetchRefusalCheck;
      const path = `${WS_PATH_PREFIX}/${roomName(this.opts.shareId, this.opts.room)}`;
      const verdict = await check(this.opts.relayUrl, path, this.opts.token).catch((e: Error) => ({ ok: false as const, code: 0, reason: `the relay is unreachable (${e.message})` }));
      if (this.disposed) return;
      if (!verdict.ok && isPermanentClose(verdict.code)) {
        this.setStatus({ state: 'refused', code: verdict.code, reason: verdict.reason });
        return;
      }
      this.retry(verdict.ok ? 'the connection failed' : verdict.reason, verdict.ok ? 0 : verdict.code);
      return;
    }
    this.retry(reason || closeText(code), code);
  }

  private retry(reason: string, code = 0): void {
    if (this.disposed) return;
    const { initialMs = 250, maxMs = 10_000 } = this.opts.backoff;
    // A restarting relay is back soon; an overloaded one wants clients to spread out and wait longer.
    const floor = code === CloseCode.tryAgainLater ? 2000 : 0;
    const base = Math.max(floor, Math.min(maxMs, initialMs * 2 ** this.attempt));
    const delay = Math.round(base / 2 + (this.opts.random() * base) / 2);
    this.attempt++;
    this.setStatus({ state: 'offline', attempt: this.attempt, retryInMs: delay, reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  private startLiveness(): void {
    const period = this.opts.livenessMs / 2;
    this.livenessTimer = setInterval(() => {
      const quiet = Date.now() - this.lastReceived;
      if (quiet > this.opts.livenessMs) this.socket?.close(CloseCode.normal, 'no answer from the relay');
      else if (quiet > period) this.send(new Uint8Array([MessageType.queryAwareness]));
    }, period);
  }

  private stopLiveness(): void {
    if (this.livenessTimer) clearInterval(this.livenessTimer);
    this.livenessTimer = null;
  }

  private forgetRemotePresence(): void {
    const awareness = this.opts.awareness;
    if (!awareness) return;
    const others = [...awareness.getStates().keys()].filter((id) => id !== awareness.clientID);
    awarenessProtocol.removeAwarenessStates(awareness, others, this);
  }

  private send(message: Uint8Array): void {
    if (this.socket?.readyState === SOCKET_OPEN) this.socket.send(message);
  }

  private detach(socket: SocketLike): void {
    socket.onopen = socket.onmessage = socket.onclose = null;
    socket.onerror = () => undefined;
  }

  private setStatus(status: RoomStatus): void {
    this.status = status;
    for (const l of [...this.statusListeners]) l(status);
  }
}

function syncMessage(kind: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, kind);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

function awarenessMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.awareness);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Error('expected a binary message');
}

function closeText(code: number): string {
  if (code === CloseCode.restart) return 'the relay is restarting';
  if (code === CloseCode.tryAgainLater) return 'the relay is busy or this connection fell behind';
  if (code === CloseCode.messageTooBig) return 'a message was too big for the relay';
  return `the connection closed (code ${code})`;
}
