import type { LoadedRoom, RoomKey, RoomStorage } from './roomStorage';

/** Live-only storage: rooms survive being unloaded from memory while the process runs, not a restart.
 *  Used when the relay has no data folder (tests, the benchmark's persistence-off runs). */
export class MemoryStorage implements RoomStorage {
  readonly kind = 'memory';
  private readonly rooms = new Map<RoomKey, { updates: Uint8Array[]; bytes: number }>();
  private readonly revocations = new Map<string, string>();

  async exists(key: RoomKey): Promise<boolean> {
    return this.rooms.has(key);
  }

  async load(key: RoomKey): Promise<LoadedRoom> {
    const room = this.room(key);
    return { updates: [...room.updates], storedBytes: room.bytes };
  }

  append(key: RoomKey, update: Uint8Array): Promise<void> {
    const room = this.room(key);
    room.updates.push(new Uint8Array(update)); // a copy: `update` may view a larger socket buffer
    room.bytes += update.length;
    return Promise.resolve();
  }

  storedBytes(key: RoomKey): number {
    return this.room(key).bytes;
  }

  async compact(key: RoomKey, merged: Uint8Array): Promise<void> {
    this.rooms.set(key, { updates: [merged], bytes: merged.length });
  }

  async release(_key: RoomKey): Promise<void> {}

  async readRevocations(shareId: string): Promise<string | null> {
    return this.revocations.get(shareId) ?? null;
  }

  async writeRevocations(shareId: string, json: string): Promise<void> {
    this.revocations.set(shareId, json);
  }

  async close(): Promise<void> {}

  private room(key: RoomKey) {
    let room = this.rooms.get(key);
    if (!room) this.rooms.set(key, (room = { updates: [], bytes: 0 }));
    return room;
  }
}
