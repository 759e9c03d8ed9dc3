import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { MessageType, canWrite, type Role, type RoomKind, type TokenClaims } from '../../protocol/src';
import type { Logger } from './logger';
import type { RelayMetrics } from './metrics';
import { Outbox, type OutboxLimits } from './outbox';
import type { Room, RoomMember } from './room';
import { permissionDeniedMessage, syncStep1Message, syncUpdateMessage, type LiveUpdate } from './syncMessages';

// One accepted websocket: it was authenticated during the upgrade, so it knows its role. It decodes
// each y-websocket message with a handler per message type and enforces the role on writes.

export type Admitted = { shareId: string; room: RoomKind; role: Role; claims: TokenClaims; ip: string };

const messageNames: Record<number, string> = { 0: 'sync', 1: 'awareness', 2: 'auth', 3: 'query-awareness' };
/** ws waits 30 s for a close handshake; a socket we are closing gets less. */
const CLOSE_GRACE_MS = 5000;

export class Connection implements RoomMember {
  readonly role: Role;
  readonly claims: TokenClaims;
  readonly outbox: Outbox;
  private readonly mayWrite: boolean;
  alive = true;
  private closed = false;
  /** the state vector of a SyncStep1 waiting for the room's writes to settle (one at a time) */
  private syncWaiting: Uint8Array | null = null;
  private syncAgain = false;
  private closeTimer: NodeJS.Timeout | null = null;

  private readonly handlers: Record<MessageType, (decoder: decoding.Decoder, data: Buffer) => void> = {
    [MessageType.sync]: (decoder, data) => this.onSync(decoder, data),
    [MessageType.awareness]: (decoder) => this.room.awareness.receive(this, decoding.readVarUint8Array(decoder)),
    [MessageType.auth]: () => undefined, // a client has nothing to tell the relay on the auth channel
    [MessageType.queryAwareness]: () => this.outbox.queryAwareness(),
  };

  constructor(
    private readonly ws: WebSocket,
    socket: Duplex,
    readonly admitted: Admitted,
    private readonly room: Room,
    limits: OutboxLimits,
    private readonly metrics: RelayMetrics,
    private readonly log: Logger,
    private readonly onClosed: (conn: Connection, code: number) => void,
  ) {
    this.role = admitted.role;
    this.claims = admitted.claims;
    this.mayWrite = canWrite(admitted.role, admitted.room);
    const sent = { live: metrics.traffic('out', 'live'), sync: metrics.traffic('out', 'sync'), control: metrics.traffic('out', 'control') };
    this.outbox = new Outbox(ws, socket, room, limits, {
      sent: (bytes, kind) => sent[kind].count(bytes),
      lagged: () => metrics.lagEvents.inc(),
      coalesced: (kind) => metrics.coalescedReplies.inc({ kind }),
      synced: (ms) => metrics.syncDuration.observe(ms / 1000),
    });
    ws.on('message', (data: Buffer) => this.onMessage(data));
    ws.on('pong', () => (this.alive = true));
    ws.on('error', (e) => log.debug('socket error', { room: room.key, error: e.message }));
    ws.on('close', (code) => this.onClose(code));
    room.attach(this);
    // Writers answer our state vector with what the relay lacks (their edits made while offline).
    if (this.mayWrite) this.outbox.control(syncStep1Message(room.stateVector()));
  }

  live(update: LiveUpdate): void {
    this.outbox.live(update);
  }

  control(message: Buffer): void {
    this.outbox.control(message);
  }

  /** Starts the close handshake; a client that does not answer within CLOSE_GRACE_MS is cut off. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
    this.closeTimer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    this.closeTimer.unref();
  }

  bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  ping(): void {
    this.alive = false;
    this.ws.ping();
  }

  /** Drops a connection that stopped answering pings, without a close handshake. */
  terminate(): void {
    this.ws.terminate();
  }

  private onMessage(data: Buffer): void {
    if (this.closed) return;
    let type = -1;
    try {
      const decoder = decoding.createDecoder(data);
      type = decoding.readVarUint(decoder);
      const handler = this.handlers[type as MessageType];
      if (!handler) {
        this.close(1003, `unknown message type ${type}`);
        return;
      }
      handler(decoder, data);
    } catch (e) {
      this.log.info('closed a connection that sent a malformed message', { room: this.room.key, role: this.role, error: (e as Error).message });
      this.close(1007, 'malformed message');
    } finally {
      this.metrics.traffic('in', messageNames[type] ?? 'unknown').count(data.length);
    }
  }

  private onSync(decoder: decoding.Decoder, data: Buffer): void {
    const kind = decoding.readVarUint(decoder);
    if (kind === syncProtocol.messageYjsSyncStep1) {
      // Answered once every write received before it is durable and applied, so a writer that sends
      // SyncStep1 after its writes gets a SyncStep2 that acknowledges them (the connector's flush()).
      // Requests that arrive while one waits are merged into it, and it waits for their writes too.
      const stateVector = decoding.readVarUint8Array(decoder);
      if (this.syncWaiting) {
        this.syncAgain = true;
        this.metrics.coalescedReplies.inc({ kind: 'sync' });
        return;
      }
      this.syncWaiting = stateVector;
      void this.answerWhenSettled();
      return;
    }
    if (kind !== syncProtocol.messageYjsSyncStep2 && kind !== syncProtocol.messageYjsUpdate) throw new Error(`unknown sync message ${kind}`);
    const update = decoding.readVarUint8Array(decoder);
    // A stock client answers SyncStep1 with its whole delete set even when it has nothing new: that is
    // not a write. Anything else from a role that may not write this room is dropped and answered.
    const redundant = kind === syncProtocol.messageYjsSyncStep2 || !this.mayWrite ? this.room.isRedundant(update) : false;
    if (redundant) return;
    if (!this.mayWrite) {
      this.metrics.writeDenials.inc({ role: this.role, room: this.admitted.room });
      this.outbox.control(permissionDeniedMessage(`a ${this.role} link cannot write the ${this.admitted.room} room; the update was dropped`));
      return;
    }
    const admission = this.room.admit(this, update);
    if (admission.refused) {
      this.metrics.queueRefusals.inc({ rule: admission.refused.rule });
      this.outbox.control(permissionDeniedMessage(`the relay refused the update: ${admission.refused.reason}`));
      return;
    }
    this.room.receive(this, update, kind === syncProtocol.messageYjsUpdate ? data : syncUpdateMessage(update), admission.unique);
  }

  private async answerWhenSettled(): Promise<void> {
    do {
      this.syncAgain = false;
      await this.room.settled();
    } while (this.syncAgain && !this.closed);
    const stateVector = this.syncWaiting as Uint8Array;
    this.syncWaiting = null;
    if (!this.closed) this.outbox.sync(stateVector);
  }

  private onClose(code: number): void {
    this.closed = true;
    this.outbox.dispose();
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.room.detach(this);
    this.metrics.closes.inc({ code });
    this.onClosed(this, code);
  }
}
