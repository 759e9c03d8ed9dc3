import type * as Y from 'yjs';
import { CloseCode, Origin, type Role, type RoomKind, type TokenClaims } from '../../protocol/src';
import { DocState } from './docState';
import type { Logger } from './logger';
import type { RelayMetrics } from './metrics';
import type { OutboxSource, SyncPlan } from './outbox';
import { bindPresenceJson } from './presenceBinding';
import type { RulesVerdict } from './queueWriteRules';
import { RoomAwareness, type AwarenessLimits } from './roomAwareness';
import type { Accepted, RoomState } from './roomState';
import { TakenIdsError, type RoomKey, type RoomStorage } from './storage/roomStorage';
import { LiveUpdate, syncStep1Message, syncUpdateMessage } from './syncMessages';
import { TranscriptLog } from './transcriptLog';

// One room: its state (a Y.Doc for the queue room, the update log for the transcript room: roomState.ts),
// its connections, and the path every write takes:
//   receive → judge → storage.append (durable) → apply to the state → forward to the other connections.
// A write joins the state only after it is durable, so the state always equals what storage holds:
// anything the relay sends (a forward, a sync answer) is on disk first, and kill -9 loses nothing a
// client has seen. Writes are applied and forwarded in arrival order.

export type RoomLimits = { chunkBytes: number; compactFactor: number; compactMinBytes: number; quotaBytes: Record<RoomKind, number>; awareness: AwarenessLimits };

/** Judges a write before it is stored (the queue room's rules). */
export type WriteRules = {
  admit(from: RoomMember, update: Uint8Array): RulesVerdict;
  /** a write another node judged and stored */
  record(update: Uint8Array): void;
  dispose(): void;
};

/** What a room needs from a connection. */
export interface RoomMember {
  readonly role: Role;
  readonly claims: TokenClaims;
  live(update: LiveUpdate): void;
  control(message: Buffer): void;
  close(code: number, reason: string): void;
}

type Pending = { accepted: Accepted; message: Buffer; from: RoomMember | null; durable: boolean; waiters: Array<() => void> };

type CachedPlan = { plan: SyncPlan; appliedAt: number; bytes: number };

const PLAN_CACHE = 4;

export class Room implements OutboxSource {
  readonly members = new Set<RoomMember>();
  readonly awareness: RoomAwareness<RoomMember>;
  private readonly queue: Pending[] = [];
  private readonly plans = new Map<string, CachedPlan>();
  /** bytes of updates applied since load; sync plans built before are reused while the room grows little */
  private appliedBytes = 0;
  private compactBase: number;
  private compacting = false;
  private rules: WriteRules | null = null;
  private makeRules: ((state: Uint8Array) => WriteRules) | undefined;
  /** bytes of the room's stored form, counted up per write and recounted exactly when near the quota */
  private size: number;
  private readonly quota: number;
  failed: Error | null = null;

  private constructor(
    private readonly store: RoomState,
    readonly key: RoomKey,
    readonly kind: RoomKind,
    private readonly storage: RoomStorage,
    private readonly limits: RoomLimits,
    private readonly metrics: RelayMetrics,
    private readonly log: Logger,
    private readonly onFailed: (room: Room) => void,
    storedBytes: number,
    loadedBytes: number,
  ) {
    this.compactBase = storedBytes;
    this.size = loadedBytes;
    this.quota = limits.quotaBytes[kind];
    this.awareness = new RoomAwareness<RoomMember>((message) => this.members.forEach((m) => m.control(message)), limits.awareness, {
      dropped: (n) => metrics.awarenessDropped.inc({}, n),
      deferred: () => metrics.awarenessDeferred.inc(),
    }, (m, state) => bindPresenceJson(state, m.claims));
  }

  static async load(
    key: RoomKey,
    kind: RoomKind,
    storage: RoomStorage,
    limits: RoomLimits,
    metrics: RelayMetrics,
    log: Logger,
    onFailed: (room: Room) => void,
    rules?: (state: Uint8Array) => WriteRules,
  ): Promise<Room> {
    const loaded = await storage.load(key);
    if (loaded.corruptBytes > 0) metrics.corruptLogs.inc();
    const loadedBytes = loaded.updates.reduce((n, u) => n + u.length, 0);
    const skipped = (e: Error) => {
      metrics.storageErrors.inc({ op: 'load' });
      log.error('skipped a stored update that does not apply (written by a client with a malformed update)', { room: key, error: e.message });
    };
    const store = kind === 'transcript' ? TranscriptLog.load(loaded.updates, limits.chunkBytes, skipped) : new DocState(loaded.updates, skipped);
    const room = new Room(store, key, kind, storage, limits, metrics, log, onFailed, loaded.storedBytes, loadedBytes);
    room.makeRules = rules;
    room.rules = rules?.(room.state()) ?? null;
    return room;
  }

  attach(member: RoomMember): void {
    this.members.add(member);
    this.awareness.join(member);
    const snapshot = this.awareness.snapshot();
    if (snapshot) member.control(snapshot);
  }

  detach(member: RoomMember): void {
    if (!this.members.delete(member)) return;
    this.awareness.leave(member);
  }

  /** The whole document as one update. */
  state(): Uint8Array {
    return this.store.state();
  }

  stateVector(): Uint8Array {
    return this.store.stateVector();
  }

  /** The room as a Y.Doc, for rules that read it (the queue room's rules read the transcript's runs). */
  view(): Y.Doc {
    return this.store.view();
  }

  /** Whether the room takes this write from a member allowed to write it (then `receive` it, with the ids it takes). */
  admit(from: RoomMember, update: Uint8Array): RulesVerdict {
    return this.rules?.admit(from, update) ?? { refused: null, unique: [] };
  }

  /** A write from a member allowed to write this room, admitted; `unique`: the ids it takes. */
  receive(from: RoomMember, update: Uint8Array, message: Buffer, unique: readonly string[] = []): void {
    if (this.failed) return;
    const verdict = this.store.admit(update);
    if ('malformed' in verdict) return this.refuseMalformed(from, verdict.malformed);
    if ('redundant' in verdict) return;
    if ('behind' in verdict) {
      // it builds on writes the relay does not have: ask the writer for everything after the room's state
      this.metrics.writesBehind.inc();
      from.control(syncStep1Message(this.store.stateVector()));
      return;
    }
    const { accepted } = verdict;
    if (accepted.update !== update) message = syncUpdateMessage(accepted.update);
    update = accepted.update;
    if (this.size + update.length > this.quota && !this.fitsAfterRecount(update.length)) {
      this.metrics.quotaRefusals.inc({ room: this.kind });
      this.log.warn('refused a write past the room quota and closed its writer', { room: this.key, role: from.role, quotaBytes: this.quota, bytes: update.length });
      from.close(CloseCode.roomQuotaExceeded, `this share's ${this.kind} room is full (${formatBytes(this.quota)}); the relay takes no more writes to it: start a new share`);
      return;
    }
    this.store.hold(accepted);
    this.size += update.length;
    const pending: Pending = { accepted, message, from, durable: false, waiters: [] };
    this.queue.push(pending);
    this.storage.append(this.key, update, unique).then(
      () => {
        pending.durable = true;
        this.drain();
      },
      (e: Error) => (e instanceof TakenIdsError ? this.refuseTaken(from, e) : this.fail(e)),
    );
  }

  /** A write another relay node stored (shared storage): applied and forwarded to every member here. */
  receiveRemote(update: Uint8Array): void {
    if (this.failed) return;
    this.rules?.record(update);
    let accepted: Accepted | null;
    try {
      accepted = this.store.applyRemote(update);
    } catch (e) {
      this.metrics.storageErrors.inc({ op: 'remote' });
      this.log.error('skipped an update from another node that does not apply', { room: this.key, error: (e as Error).message });
      return;
    }
    if (!accepted) return;
    this.size += accepted.update.length;
    this.forward(new LiveUpdate(syncUpdateMessage(accepted.update), accepted.update), null);
  }

  /** True if `update` adds nothing to the room: structs it already has, deletions it already made. */
  isRedundant(update: Uint8Array): boolean {
    return this.store.isRedundant(update);
  }

  /** Resolves once every write received so far is applied (or dropped because the room failed). */
  settled(): Promise<void> {
    const last = this.queue[this.queue.length - 1];
    if (!last || this.failed) return Promise.resolve();
    return new Promise((resolve) => last.waiters.push(resolve));
  }

  // ---- OutboxSource: what a member's outbox needs to catch a socket up ----------------------------

  plan(fromSv: Uint8Array): SyncPlan {
    const key = Buffer.from(fromSv).toString('base64');
    const cached = this.plans.get(key);
    if (cached && this.appliedBytes - cached.appliedAt <= Math.max(this.limits.chunkBytes, cached.bytes / 4)) {
      this.plans.delete(key);
      this.plans.set(key, cached);
      return cached.plan;
    }
    const { chunks, upTo } = this.store.chunks(fromSv, this.limits.chunkBytes);
    const plan = { messages: chunks.map((c) => syncUpdateMessage(c)), upTo };
    if (this.plans.size >= PLAN_CACHE) this.plans.delete(this.plans.keys().next().value as string);
    this.plans.set(key, { plan, appliedAt: this.appliedBytes, bytes: chunks.reduce((n, c) => n + c.length, 0) });
    return plan;
  }

  final(upTo: Uint8Array, kind: 'step2' | 'update'): Buffer {
    return syncUpdateMessage(this.store.after(upTo), kind);
  }

  stateBefore(update: Uint8Array): Uint8Array {
    return this.store.stateBefore(update);
  }

  awarenessSnapshot(): Buffer | null {
    return this.awareness.snapshot();
  }

  dispose(): void {
    this.awareness.dispose();
    this.rules?.dispose();
    this.plans.clear();
    this.store.dispose();
  }

  // ---- internals ----------------------------------------------------------------------------------

  private drain(): void {
    while (this.queue.length > 0 && this.queue[0].durable) {
      const pending = this.queue.shift() as Pending;
      this.apply(pending);
      for (const wake of pending.waiters) wake();
    }
    if (this.queue.length === 0) this.maybeCompact();
  }

  private apply({ accepted, message, from }: Pending): void {
    try {
      this.store.apply(accepted, from ?? Origin.peerNode);
    } catch (e) {
      if (from) this.refuseMalformed(from, (e as Error).message);
      return;
    }
    this.forward(new LiveUpdate(message, accepted.update), from);
  }

  private forward(live: LiveUpdate, from: RoomMember | null): void {
    this.appliedBytes += live.update.length;
    for (const m of this.members) if (m !== from) m.live(live);
  }

  private refuseMalformed(from: RoomMember, error: string): void {
    this.log.warn('a client sent an update that does not apply; closed it', { room: this.key, role: from.role, error });
    from.close(1007, 'malformed Yjs update');
  }

  private maybeCompact(): void {
    const stored = this.storage.storedBytes(this.key);
    if (this.compacting || this.failed || stored < this.limits.compactMinBytes || stored < this.limits.compactFactor * this.compactBase) return;
    this.compacting = true;
    const merged = this.store.compact();
    this.storage.compact(this.key, merged).then(
      () => {
        this.compacting = false;
        this.compactBase = merged.length;
        this.metrics.compactions.inc();
        this.log.info('compacted a room log', { room: this.key, fromBytes: stored, toBytes: merged.length });
      },
      (e: Error) => this.fail(e),
    );
  }

  /**
   * Another node stored a write taking the same id first (two links racing on one prompt id): this
   * writer's update is not in the room, so none of its later updates, which build on it, can be, and
   * the rules' mirror, which took it, is rebuilt from what the room will hold. The writer is closed;
   * its client reconnects and is judged afresh.
   */
  private refuseTaken(from: RoomMember, e: TakenIdsError): void {
    const dropped = this.queue.filter((p) => p.from === from);
    for (const p of dropped) {
      this.queue.splice(this.queue.indexOf(p), 1);
      this.size -= p.accepted.update.length;
      for (const wake of p.waiters) wake();
    }
    this.metrics.queueRefusals.inc({ rule: 'taken-on-another-node' });
    this.log.warn('refused a write whose id another relay node took first; closed its writer', { room: this.key, role: from.role, id: e.id });
    if (this.makeRules) {
      this.rules?.dispose();
      this.rules = this.makeRules(this.state());
      for (const p of this.queue) this.rules.record(p.accepted.update);
    }
    from.close(1008, `the relay refused the update: ${e.message}`);
    this.drain();
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = e;
    this.metrics.storageErrors.inc({ op: 'write' });
    this.log.error('room storage failed: the room refuses writes and closes its connections; it reloads from disk on the next connection', {
      room: this.key,
      error: e.message,
    });
    for (const pending of this.queue.splice(0)) for (const wake of pending.waiters) wake();
    for (const m of [...this.members]) m.close(CloseCode.tryAgainLater, 'the relay could not store an update; reconnect later');
    this.onFailed(this);
  }

  /** The running count also holds bytes that compaction or GC took away; count again before refusing. */
  private fitsAfterRecount(bytes: number): boolean {
    this.size = this.store.compact().length + this.queue.reduce((n, p) => n + p.accepted.update.length, 0);
    return this.size + bytes <= this.quota;
  }
}

function formatBytes(n: number): string {
  const MiB = 1024 * 1024;
  return n >= MiB ? `${+(n / MiB).toFixed(1)} MiB` : `${+(n / 1024).toFixed(1)} KiB`;
}
