import type * as Y from 'yjs';

// What a room holds of its document, behind one seam with two owners: a Y.Doc (docState.ts) for the
// multi-writer queue room, whose rules read the document, and the ordered update log
// (transcriptLog.ts) for the single-writer transcript room, which answers joins and reconnects from
// the log without materialising a document. The room (room.ts) owns the write path; this owns state.

/** A write judged before it is stored: `update` may be a trimmed form of what the client sent. */
export type Accepted = { update: Uint8Array };

export type Admission =
  | { accepted: Accepted }
  /** adds nothing: structs and deletions the room already has */
  | { redundant: true }
  /** builds on content the room does not have (a gap in a client's clocks): the writer is asked for it */
  | { behind: true }
  | { malformed: string };

export interface RoomState {
  /** Judges a write from a member before it is stored. */
  admit(update: Uint8Array): Admission;
  /** The admitted write will be stored: later admissions build on it. */
  hold(accepted: Accepted): void;
  /** A durable write joins the state; throws if it does not apply (what `admit` could not judge). */
  apply(accepted: Accepted, origin: unknown): void;
  /** A write another node judged and stored, as it joined the state (null: it added nothing); throws if it does not apply. */
  applyRemote(update: Uint8Array): Accepted | null;
  stateVector(): Uint8Array;
  /** The whole document as one update. */
  state(): Uint8Array;
  /** The whole document as one update with deleted content garbage-collected (what compaction stores; a log re-bases on it). */
  compact(): Uint8Array;
  /** True if `update` adds nothing: structs the room has, deletions it made. Throws if malformed. */
  isRedundant(update: Uint8Array): boolean;
  /** Everything after `fromSv` as self-contained updates of about `maxBytes` (the delete set may be partial), and the state they reach; none if one answer is small enough. */
  chunks(fromSv: Uint8Array, maxBytes: number): { chunks: Uint8Array[]; upTo: Uint8Array };
  /** Everything after `upTo`, with the room's whole delete set (a SyncStep2's content). */
  after(upTo: Uint8Array): Uint8Array;
  /** The state vector just before `update` was applied. */
  stateBefore(update: Uint8Array): Uint8Array;
  /** The room as a Y.Doc, for rules that read the document (built on first use by a log). */
  view(): Y.Doc;
  dispose(): void;
}
