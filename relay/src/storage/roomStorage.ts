// The relay's persistence seam. The room layer talks only to this interface, so a different backend
// (a Redis stream, object storage) can replace the embedded log without touching sync or auth code.
// Payloads are opaque Yjs updates: storage never decodes them.

/** `<shareId>/<room>`: protocol's roomName(). */
export type RoomKey = string;

export type LoadedRoom = {
  updates: Uint8Array[];
  /** bytes the stored form of this room takes now (drives compaction) */
  storedBytes: number;
};

export interface RoomStorage {
  readonly kind: 'file' | 'memory';
  /** whether anything was ever stored for this room */
  exists(key: RoomKey): Promise<boolean>;
  load(key: RoomKey): Promise<LoadedRoom>;
  /** resolves once the update is durable (for files: written and fdatasync'd); rejects on any storage error */
  append(key: RoomKey, update: Uint8Array): Promise<void>;
  /** bytes stored for the room since the last load or compaction */
  storedBytes(key: RoomKey): number;
  /** atomically replaces everything stored for the room with one merged update */
  compact(key: RoomKey, merged: Uint8Array): Promise<void>;
  /**
   * The room leaves memory: flush and let go of its resources (file handles); the data stays.
   * `state` is the room's whole document, for a store that keeps no copy of a loaded room.
   */
  release(key: RoomKey, state: () => Uint8Array): Promise<void>;
  /** revocation records per share, opaque JSON text */
  readRevocations(shareId: string): Promise<string | null>;
  writeRevocations(shareId: string, json: string): Promise<void>;
  /** flushes everything and releases every room */
  close(): Promise<void>;
}
