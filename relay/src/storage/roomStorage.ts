// The relay's persistence seam. The room layer talks only to this interface, so a different backend
// (a Redis stream, object storage) can replace the embedded log without touching sync or auth code.
// Payloads are opaque Yjs updates: storage never decodes them.

import type { Metric } from '../metrics';

/** `<shareId>/<room>`: protocol's roomName(). */
export type RoomKey = string;

export type LoadedRoom = {
  updates: Uint8Array[];
  /** bytes the stored form of this room takes now (drives compaction) */
  storedBytes: number;
  /** bytes found damaged and skipped while loading (the intact records around them were recovered) */
  corruptBytes: number;
};

export interface RoomStorage {
  readonly kind: 'file' | 'memory' | 'redis';
  /** whether anything was ever stored for this room */
  exists(key: RoomKey): Promise<boolean>;
  load(key: RoomKey): Promise<LoadedRoom>;
  /**
   * Resolves once the update is durable (for files: written and fdatasync'd); rejects on any storage
   * error. `unique` are ids the update takes (a queue room's prompt ids): a store shared by several
   * relay nodes stores the update only if none was taken before, else rejects with TakenIdsError; a
   * single node's own rules already keep them unique, so its stores ignore them.
   */
  append(key: RoomKey, update: Uint8Array, unique?: readonly string[]): Promise<void>;
  /** bytes stored for the room since the last load or compaction */
  storedBytes(key: RoomKey): number;
  /** atomically replaces everything stored for the room with one merged update */
  compact(key: RoomKey, merged: Uint8Array): Promise<void>;
  /**
   * The room leaves memory: flush and let go of its resources (file handles); the data stays.
   * `state` is the room's whole document, for a store that keeps no copy of a loaded room.
   */
  release(key: RoomKey, state: () => Uint8Array): Promise<void>;
  /** deletes everything stored for the room (the room is not loaded) */
  remove(key: RoomKey): Promise<void>;
  /** revocation records per share, opaque JSON text */
  readRevocations(shareId: string): Promise<string | null>;
  writeRevocations(shareId: string, json: string): Promise<void>;
  /** flushes everything and releases every room */
  close(): Promise<void>;
  /**
   * For a store shared by several relay nodes: after `load`, updates other nodes write to the room
   * reach `onUpdate` until the room is released.
   */
  watch?(key: RoomKey, onUpdate: (update: Uint8Array) => void): void;
  /** For a shared store: `listener` hears the share id of every revocation any node stores. */
  onRevoked?(listener: (shareId: string) => void): void;
  /** The store's own metrics (Redis round trips), added to /metrics. */
  metrics?(): Metric[];
  /** Why the store cannot take writes now (then /readyz answers 503 with it), or undefined. Default: it always can. */
  notReadyReason?(): string | undefined;
}

/** Another relay node's write took one of the ids an update meant to take; the update was not stored. */
export class TakenIdsError extends Error {
  constructor(readonly id: string) {
    super(`${id} was already taken by a write through another relay node`);
  }
}
