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
};

const SEND_OPTIONS = { binary: true };
const POLL_MS = 25;

/** `extraStep2`: SyncStep1 requests that arrived while catching up; each is owed its own SyncStep2 answer. */
type CatchUp = { fromSv: Uint8Array; final: 'step2' | 'update'; extraStep2: number; plan: SyncPlan | null; next: number; startedAt: number };

export class Outbox {
  private catchUp: CatchUp | null = null;
  private lastProgress = performance.now();
  private missedAwareness = false;
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

  /** Small messages (awareness, sync step 1, permission denied). Skipped while the socket lags. */
  control(message: Buffer): void {
    if (this.lagging) {
      this.missedAwareness = true;
      return;
    }
    this.send(message, 'control');
  }

  /** The client asked for everything after `stateVector` (its SyncStep1). */
  sync(stateVector: Uint8Array): void {
    if (this.catchUp) {
      if (this.catchUp.final === 'step2') this.catchUp.extraStep2++;
      else this.catchUp.final = 'step2';
      return;
    }
    this.start(stateVector, 'step2');
  }

  /** For the relay's sweep: true if catching up has made no progress for too long. */
  isStalled(now: number): boolean {
    return this.catchUp !== null && now - this.lastProgress > this.limits.lagTimeoutMs;
  }

  private start(fromSv: Uint8Array, final: 'step2' | 'update'): void {
    this.catchUp = { fromSv, final, extraStep2: 0, plan: null, next: 0, startedAt: performance.now() };
    this.lastProgress = performance.now();
    this.pump();
  }

  private pump(): void {
    const c = this.catchUp;
    if (!c || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.lowWaterBytes) {
      this.pollWhileFull();
      return;
    }
    c.plan ??= this.source.plan(c.fromSv);
    while (c.next < c.plan.messages.length && this.ws.bufferedAmount <= this.limits.lowWaterBytes) {
      this.send(c.plan.messages[c.next++], 'sync');
    }
    if (c.next < c.plan.messages.length || this.ws.bufferedAmount > this.limits.lowWaterBytes) return;
    this.catchUp = null;
    this.lagging = false;
    const final = this.source.final(c.plan.upTo, c.final);
    for (let i = 0; i <= c.extraStep2; i++) this.send(final, 'sync');
    if (this.missedAwareness) {
      this.missedAwareness = false;
      const snapshot = this.source.awarenessSnapshot();
      if (snapshot) this.send(snapshot, 'control');
    }
    this.events.synced(performance.now() - c.startedAt, c.final);
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
