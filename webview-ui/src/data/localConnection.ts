import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { SessionConnection } from './connection';

/**
 * A session read from this machine, not from a relay: the VS Code host tails the transcript into a document
 * and posts its updates here. Always "synced", no queue (nobody can prompt a session that is not shared).
 */
export type LocalConnection = SessionConnection & { apply(update: Uint8Array): void };

export function localConnection(): LocalConnection {
  const transcript = new Y.Doc();
  const queue = new Y.Doc();
  const awareness = new Awareness(transcript);
  awareness.setLocalState(null);
  const connection: LocalConnection = {
    transcript,
    queue,
    awareness,
    status: () => ({ kind: 'synced' }),
    onStatus: () => () => undefined,
    onWriteRefused: () => () => undefined,
    writesSettled: () => Promise.resolve(),
    apply: (update) => Y.applyUpdate(transcript, update, connection),
    dispose() {
      awareness.destroy();
      transcript.destroy();
      queue.destroy();
    },
  };
  return connection;
}
