import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { LiveUpdate } from './syncMessages';

// Everything the relay sends to one socket goes through its outbox, which keeps the socket's send
// buffer bounded:
//   live        updates are forwarded as they are applied: one websocket frame built per update and
//               written to every socket as is (below ws, on the socket ws runs on: ws queues nothing of
//               its own with compression off, so frames keep their order, and bufferedAmount counts them)
//   catching up the socket is owed "everything since state vector X" (its initial sync, or a resync after
//               it lagged): chunks from the room's shared sync plan are sent only while the socket's
//               buffer is below the low-water mark, then one final message computed at that moment
//               (which covers every live update skipped meanwhile), then back to live.
// A live update that finds the buffer over the high-water mark (or is itself bigger than a chunk) is
// not queued: the socket switches to catching up from the state just before that update. A socket
// that makes no progress for `lagTimeoutMs` is closed with 1013 (try again later).
// Replies a client asks for are coalesced, so what a client sends can never queue more than the
// buffer bound: at most one awareness snapshot is in the socket's buffer (queries that arrive
// meanwhile are answered by one fresh snapshot once it is flushed), and SyncStep1 requests that
// arrive while one is being answered are merged into one more answer. Other small messages are
// dropped while the buffer is over the high-water mark; the awareness they carried is sent as one
// snapshot once it drains.

export type SyncPlan = {
  /** framed sync-update messages, shared between sockets */
  messages: Buffer[];
  /** encoded state vector the messages reach */
  upTo: Uint8Array;
};

export interface OutboxSource {
  plan(fromSv: Uint8Array): SyncPlan;
  /** everything after `upTo`, as a framed SyncStep2 (`step2`) or sync update message */
  final(upTo: Uint8Array, kind: 'step2' | 'update'): Buffer;
  /** the room's state vector just before `update` was applied */
  stateBefore(update: Uint8Array): Uint8Array;
  /** current awareness states as one message, if any */
  awarenessSnapshot(): Buffer | null;
}

export type OutboxLimits = { highWaterBytes: number; lowWaterBytes: number; chunkBytes: number; lagTimeoutMs: number };

export type OutboxEvents = {
  sent(bytes: number, kind: 'live' | 'sync' | 'control'): void;
  lagged(): void;
  synced(ms: number, final: 'step2' | 'update'): void;
  /** a reply was merged into one already owed, or a message dropped because the buffer was full */
  coalesced(kind: 'awareness' | 'sync' | 'control'): void;
};

const SEND_OPTIONS = { binary: true };
const POLL_MS = 25;
/** An awareness message with no states: the answer to a query in an empty room. */
const EMPTY_AWARENESS = Buffer.from([1, 1, 0]);

/** `owedStep2`: the state vector of a SyncStep1 that arrived while this one was being answered (merged). */
type CatchUp = { fromSv: Uint8Array; final: 'step2' | 'update'; owedStep2: Uint8Array | null; plan: SyncPlan | null; next: number; startedAt: number };

export class Outbox {
  private catchUp: CatchUp | null = null;
  private lastProgress = performance.now();
  private missedAwareness = false;
  private snapshotInFlight = false;
  private snapshotOwed = false;
  /** true while catching up because the socket fell behind (not for a requested sync) */
  lagging = false;
  private lastBuffered = 0;
  private pollTimer: NodeJS.Timeout | null = null;
  /** Catch-up frames ask to be told when they reach the kernel; live frames do not (hot path). */
  private readonly onFlushed = (err?: Error) => {
    if (err) return; // the socket is closing; its close handler cleans up
    this.lastProgress = performance.now();
    if (this.catchUp) this.pump();
  };
  private readonly onSnapshotFlushed = (err?: Error) => {
    this.snapshotInFlight = false;
    if (err || !this.snapshotOwed) return;
    this.snapshotOwed = false;
    this.sendSnapshot();
  };

  constructor(
    private readonly ws: WebSocket,
    /** the TCP (or TLS) socket `ws` runs on, as the relay handed it to ws.handleUpgrade */
    private readonly socket: Duplex,
    private readonly source: OutboxSource,
    private readonly limits: OutboxLimits,
    private readonly events: OutboxEvents,
  ) {}

  /** Forwards a live update, or switches to catching up if the socket cannot take it now. */
  live(live: LiveUpdate): void {
    const { message, update } = live;
    if (this.catchUp) return;
    if (this.ws.bufferedAmount + message.length > this.limits.highWaterBytes || message.length > this.limits.chunkBytes) {
      if (message.length <= this.limits.chunkBytes) {
        this.lagging = true;
        this.events.lagged();
      }
      this.start(this.source.stateBefore(update), 'update');
      return;
    }
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.socket.write(live.frame());
    this.events.sent(message.length, 'live');
  }

  /** Small messages (awareness, sync step 1, permission denied). Skipped while the socket lags or its buffer is full. */
  control(message: Buffer): void {
    if (this.lagging) {
      this.missedAwareness = true;
      return;
    }
    if (this.ws.bufferedAmount + message.length > this.limits.highWaterBytes) {
      this.missedAwareness = true;
      this.events.coalesced('control');
      this.pollWhileFull();
      return;
    }
    this.send(message, 'control');
  }

  /** The client asked for every awareness state (query-awareness). */
  queryAwareness(): void {
    if (this.snapshotInFlight || this.lagging) {
      if (this.snapshotInFlight) this.snapshotOwed = true;
      else this.missedAwareness = true;
      this.events.coalesced('awareness');
      return;
    }
    this.sendSnapshot();
  }

  /** The client asked for everything after `stateVector` (its SyncStep1). */
  sync(stateVector: Uint8Array): void {
    const c = this.catchUp;
    if (!c) return this.start(stateVector, 'step2');
    if (c.final === 'update') {
      c.final = 'step2';
      return;
    }
    if (c.owedStep2) this.events.coalesced('sync');
    c.owedStep2 ??= stateVector;
  }

  /** For the relay's sweep: true if catching up has made no progress for too long. */
  isStalled(now: number): boolean {
    return this.catchUp !== null && now - this.lastProgress > this.limits.lagTimeoutMs;
  }

  private start(fromSv: Uint8Array, final: 'step2' | 'update'): void {
    this.catchUp = { fromSv, final, owedStep2: null, plan: null, next: 0, startedAt: performance.now() };
    this.lastProgress = performance.now();
    this.pump();
  }

  private pump(): void {
    const c = this.catchUp;
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.lowWaterBytes) {
      if (c || this.missedAwareness) this.pollWhileFull();
      return;
    }
    if (!c) return this.sendMissedAwareness();
    c.plan ??= this.source.plan(c.fromSv);
    while (c.next < c.plan.messages.length && this.ws.bufferedAmount <= this.limits.lowWaterBytes) {
      this.send(c.plan.messages[c.next++], 'sync');
    }
    if (c.next < c.plan.messages.length || this.ws.bufferedAmount > this.limits.lowWaterBytes) return;
    this.catchUp = null;
    this.lagging = false;
    this.send(this.source.final(c.plan.upTo, c.final), 'sync');
    this.sendMissedAwareness();
    this.events.synced(performance.now() - c.startedAt, c.final);
    if (c.owedStep2) this.start(c.owedStep2, 'step2');
  }

  private sendMissedAwareness(): void {
    if (!this.missedAwareness) return;
    this.missedAwareness = false;
    const snapshot = this.source.awarenessSnapshot();
    if (snapshot) this.send(snapshot, 'control');
  }

  private sendSnapshot(): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const snapshot = this.source.awarenessSnapshot() ?? EMPTY_AWARENESS;
    this.snapshotInFlight = true;
    this.ws.send(snapshot, SEND_OPTIONS, this.onSnapshotFlushed);
    this.events.sent(snapshot.length, 'control');
  }

  /** Live frames carry no flush callback, so a socket that fell behind is polled until it drains. */
  private pollWhileFull(): void {
    if (this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      const buffered = this.ws.bufferedAmount;
      if (buffered < this.lastBuffered) this.lastProgress = performance.now();
      this.lastBuffered = buffered;
      this.pump();
    }, POLL_MS);
  }

  dispose(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.catchUp = null;
  }

  private send(message: Buffer, kind: 'sync' | 'control'): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(message, SEND_OPTIONS, this.onFlushed);
    this.events.sent(message.length, kind);
  }
}
