// Typed Yjs transaction origins: every local write names its author (doc.transact(fn, origin)), so
// observers can tell a tailed line from a runner status or a remote update (whose origin is the
// provider or connection object, never one of these).
export const Origin = {
  /** the host's tailer publishing transcript lines and side files */
  tail: Object.freeze({ kind: 'tail' as const }),
  /** the host's prompt runner writing run statuses */
  runner: Object.freeze({ kind: 'runner' as const }),
  /** a viewer's composer queueing a prompt or a cancel */
  composer: Object.freeze({ kind: 'composer' as const }),
  /** the relay loading a room from storage */
  storage: Object.freeze({ kind: 'storage' as const }),
  /** the relay applying a write another relay node stored (shared storage) */
  peerNode: Object.freeze({ kind: 'peer-node' as const }),
  /** a test or tool seeding a document */
  fixture: Object.freeze({ kind: 'fixture' as const }),
} as const;
export type TxOrigin = (typeof Origin)[keyof typeof Origin];
