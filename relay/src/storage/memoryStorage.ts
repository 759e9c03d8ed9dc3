import type { LoadedRoom, RoomKey, RoomStorage } from './roomStorage';

/** Live-only storage: rooms survive being unloaded from memory while the process runs, not a restart.
 *  Used when the relay has no data folder (tests, the benchmark's persistence-off runs). A loaded
 *  room's document is its only copy; the store takes the whole state when the room leaves memory. */
export class MemoryStorage implements RoomStorage {
  readonly kind = 'memory';
  private readonly rooms = new Map<RoomKey, Uint8Array[]>();
  private readonly revocations = new Map<string, string>();

  async exists(key: RoomKey): Promise<boolean> {
    return this.rooms.has(key);
  }

  async load(key: RoomKey): Promise<LoadedRoom> {
    const updates = this.room(key);
    return { updates: [...updates], storedBytes: 0, corruptBytes: 0 };
  }

  /** Keeps nothing: the loaded room's document holds the update. */
  append(key: RoomKey, _update: Uint8Array): Promise<void> {
    this.room(key);
    return Promise.resolve();
  }

  /** Never asks for compaction: nothing accumulates while a room is loaded. */
  storedBytes(_key: RoomKey): number {
    return 0;
  }

  async compact(key: RoomKey, merged: Uint8Array): Promise<void> {
    this.rooms.set(key, [merged]);
  }

  async release(key: RoomKey, state: () => Uint8Array): Promise<void> {
    this.rooms.set(key, [state()]);
  }

  async remove(key: RoomKey): Promise<void> {
    this.rooms.delete(key);
  }

  async readRevocations(shareId: string): Promise<string | null> {
    return this.revocations.get(shareId) ?? null;
  }

  async writeRevocations(shareId: string, json: string): Promise<void> {
    this.revocations.set(shareId, json);
  }

  async close(): Promise<void> {}

  private room(key: RoomKey) {
    let updates = this.rooms.get(key);
    if (!updates) this.rooms.set(key, (updates = []));
    return updates;
  }
}
