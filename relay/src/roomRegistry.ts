import { CloseCode, RoomKind, roomName } from '../../protocol/src';

const ROOM_KINDS = RoomKind.options;
import type { Logger } from './logger';
import type { RelayMetrics } from './metrics';
import { QueueWriteRules, type QueueWriteLimits } from './queueWriteRules';
import { Room, type RoomLimits, type WriteRules } from './room';
import type { RoomKey, RoomStorage } from './storage/roomStorage';

// Rooms in memory. A room is loaded once (concurrent openers share the load) and leaves memory
// `idleMs` after its last connection closed, once its writes are on disk.

export class RoomRegistry {
  private readonly rooms = new Map<RoomKey, Room>();
  private readonly loading = new Map<RoomKey, Promise<Room>>();
  private readonly unloading = new Map<RoomKey, Promise<void>>();
  private readonly idleTimers = new Map<RoomKey, NodeJS.Timeout>();

  constructor(
    private readonly storage: RoomStorage,
    private readonly limits: RoomLimits & { idleMs: number; queue: QueueWriteLimits },
    private readonly metrics: RelayMetrics,
    private readonly log: Logger,
  ) {}

  /** Whether the room is in memory or in storage. */
  async exists(key: RoomKey): Promise<boolean> {
    return this.rooms.has(key) || this.loading.has(key) || (await this.storage.exists(key));
  }

  /** The loaded room; the caller must attach a member or call `releaseIfIdle`. */
  async open(key: RoomKey, kind: RoomKind): Promise<Room> {
    this.cancelIdle(key);
    await this.unloading.get(key);
    const room = this.rooms.get(key);
    if (room) return room;
    let pending = this.loading.get(key);
    if (!pending) {
      const started = performance.now();
      pending = Room.load(key, kind, this.storage, this.limits, this.metrics, this.log, (r) => this.evict(r), this.writeRules(key, kind)).then(
        (loaded) => {
          this.loading.delete(key);
          this.rooms.set(key, loaded);
          this.storage.watch?.(key, (update) => loaded.receiveRemote(update));
          this.log.debug('room loaded', { room: key, ms: Math.round(performance.now() - started) });
          return loaded;
        },
        (e: Error) => {
          this.loading.delete(key);
          this.metrics.storageErrors.inc({ op: 'load' });
          this.log.error('could not load a room from storage', { room: key, error: e.message });
          throw e;
        },
      );
      this.loading.set(key, pending);
    }
    return pending;
  }

  /** A queue room's rules; they read the share's transcript room (when loaded) for finished runs. */
  private writeRules(key: RoomKey, kind: RoomKind): ((state: Uint8Array) => WriteRules) | undefined {
    if (kind !== 'queue') return undefined;
    const transcriptKey = roomName(key.split('/')[0], 'transcript');
    return (state) => new QueueWriteRules(state, this.limits.queue, () => this.rooms.get(transcriptKey)?.view());
  }

  /** Starts the idle countdown if nobody is in the room. */
  releaseIfIdle(room: Room): void {
    if (room.members.size > 0 || this.rooms.get(room.key) !== room || this.idleTimers.has(room.key)) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(room.key);
      if (room.members.size === 0) void this.unload(room);
    }, this.limits.idleMs);
    timer.unref();
    this.idleTimers.set(room.key, timer);
  }

  size(): number {
    return this.rooms.size;
  }

  all(): Room[] {
    return [...this.rooms.values()];
  }

  /** Waits for every room's writes, closes every member with `code`, unloads everything. */
  async closeAll(code: number, reason: string): Promise<void> {
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    await Promise.all([...this.loading.values()].map((p) => p.catch(() => undefined)));
    await Promise.all(
      this.all().map(async (room) => {
        await room.settled();
        for (const m of [...room.members]) m.close(code, reason);
        await this.unload(room);
      }),
    );
    await Promise.all(this.unloading.values());
  }

  /** Removes every room of a share from memory and storage (the host deleted the share); returns how many were stored. */
  async remove(shareId: string): Promise<number> {
    let removed = 0;
    for (const kind of ROOM_KINDS) {
      const key = roomName(shareId, kind);
      this.cancelIdle(key);
      await this.loading.get(key)?.catch(() => undefined);
      const room = this.rooms.get(key);
      if (room) {
        for (const m of [...room.members]) m.close(CloseCode.unauthorized, 'the host revoked every link to this session and deleted it from the relay');
        await this.unload(room);
      }
      await this.unloading.get(key);
      if (await this.storage.exists(key)) removed++;
      await this.storage.remove(key);
    }
    return removed;
  }

  private unload(room: Room): Promise<void> {
    const existing = this.unloading.get(room.key);
    if (existing) return existing;
    const done = (async () => {
      await room.settled();
      this.rooms.delete(room.key);
      try {
        await this.storage.release(room.key, () => room.state());
      } catch (e) {
        this.metrics.storageErrors.inc({ op: 'release' });
        this.log.error('could not release a room from storage', { room: room.key, error: (e as Error).message });
      } finally {
        room.dispose();
      }
    })().finally(() => this.unloading.delete(room.key));
    this.unloading.set(room.key, done);
    return done;
  }

  /** A room whose storage failed leaves memory at once; the next connection reloads it from disk. */
  private evict(room: Room): void {
    this.cancelIdle(room.key);
    void this.unload(room);
  }

  private cancelIdle(key: RoomKey): void {
    const timer = this.idleTimers.get(key);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(key);
  }
}
