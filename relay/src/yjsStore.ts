import * as Y from 'yjs';

// Lookups in a Y.Doc's struct store that the relay needs to judge an update before applying it.

/** The struct holding `clock` of `client`, or null if the doc has not seen it. */
export function findStruct(doc: Y.Doc, client: number, clock: number): Y.Item | Y.GC | null {
  const structs = doc.store.clients.get(client);
  if (!structs || clock >= Y.getState(doc.store, client)) return null;
  return structs[Y.findIndexSS(structs, clock)] as Y.Item | Y.GC;
}

/** True if every range of `ds` is content `doc` already has, deleted. */
export function deletesAreKnown(doc: Y.Doc, ds: { clients: Map<number, Array<{ clock: number; len: number }>> }): boolean {
  for (const [client, items] of ds.clients) {
    for (const item of items) {
      for (let clock = item.clock; clock < item.clock + item.len; ) {
        const struct = findStruct(doc, client, clock);
        if (!struct || !struct.deleted) return false;
        clock = struct.id.clock + struct.length;
      }
    }
  }
  return true;
}
