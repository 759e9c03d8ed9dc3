import * as Y from 'yjs';
import { Origin } from '../../protocol/src';
import { encodeStateVectorMap, encodeUpdateChunks } from '../../protocol/src/connector/updateChunks';
import type { Accepted, Admission, RoomState } from './roomState';
import { deletesAreKnown } from './yjsStore';

/** A room's state as a Y.Doc: every durable write is applied to it; Yjs judges a write as it applies it. */
export class DocState implements RoomState {
  private readonly doc = new Y.Doc({ gc: true });

  /** `skipped`: a stored update that does not apply (written by a client with a malformed update). */
  constructor(updates: Uint8Array[], skipped: (e: Error) => void) {
    this.doc.transact(() => {
      for (const update of updates) {
        try {
          Y.applyUpdate(this.doc, update);
        } catch (e) {
          skipped(e as Error);
        }
      }
    }, Origin.storage);
  }

  admit(update: Uint8Array): Admission {
    return { accepted: { update } };
  }

  hold(): void {}

  apply({ update }: Accepted, origin: unknown): void {
    Y.applyUpdate(this.doc, update, origin);
  }

  applyRemote(update: Uint8Array): Accepted {
    const accepted = { update };
    this.apply(accepted, Origin.peerNode);
    return accepted;
  }

  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.doc);
  }

  state(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  compact(): Uint8Array {
    return this.state();
  }

  isRedundant(update: Uint8Array): boolean {
    const { structs, ds } = Y.decodeUpdate(update);
    for (const s of structs) if (s.id.clock + s.length > Y.getState(this.doc.store, s.id.client)) return false;
    return deletesAreKnown(this.doc, ds);
  }

  chunks(fromSv: Uint8Array, maxBytes: number): { chunks: Uint8Array[]; upTo: Uint8Array } {
    const { chunks, upTo } = encodeUpdateChunks(this.doc, Y.decodeStateVector(fromSv), maxBytes);
    return { chunks, upTo: encodeStateVectorMap(upTo) };
  }

  after(upTo: Uint8Array): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc, upTo);
  }

  stateBefore(update: Uint8Array): Uint8Array {
    const sv = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    for (const [client, clock] of Y.parseUpdateMeta(update).from) sv.set(client, Math.min(sv.get(client) ?? 0, clock));
    return encodeStateVectorMap(sv);
  }

  view(): Y.Doc {
    return this.doc;
  }

  dispose(): void {
    this.doc.destroy();
  }
}
