import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

// Big initial syncs go out as a sequence of self-contained Yjs updates of about `maxBytes` each, so a
// stock y-websocket client applies each one as it arrives (every frame resets its 30 s liveness timer)
// and a relay can pace them against a slow reader. Yjs has no public "encode clocks a..b" call, and a
// single-writer transcript is one giant merged Item (consecutive pushes merge), so we walk the struct
// store ourselves and, where an Item of plain values (ContentAny, the type of Y.Array<string> lines) is
// too big, write a slice of it. Everything else is written whole. The delete set is not in the chunks:
// the caller finishes with `Y.encodeStateAsUpdate(doc, encodeStateVector(upTo))`, which carries the
// delete set, pending structs and anything written since.

export type StateVector = Map<number, number>;

export type UpdateChunks = {
  /** V1 updates without delete sets, in client/clock order */
  chunks: Uint8Array[];
  /** the state the chunks reach, starting from the `from` state vector */
  upTo: StateVector;
};

type Group = { client: number; clock: number; count: number; encoder: Y.UpdateEncoderV1 };

/** Ref number of ContentAny (yjs/src/structs/ContentAny.js getRef). */
const CONTENT_ANY = 8;

export function encodeUpdateChunks(doc: Y.Doc, from: StateVector, maxBytes: number): UpdateChunks {
  const chunks: Uint8Array[] = [];
  const upTo = new Map(from);
  let closed: Group[] = [];
  let closedBytes = 0;
  const flush = () => {
    chunks.push(assembleChunk(closed));
    closed = [];
    closedBytes = 0;
  };
  const clients = [...doc.store.clients.entries()].sort((a, b) => b[0] - a[0]);
  for (const [client, structs] of clients) {
    const last = structs[structs.length - 1];
    const end = last.id.clock + last.length;
    let clock = Math.max(from.get(client) ?? 0, structs[0].id.clock);
    if (clock >= end) continue;
    let i = Y.findIndexSS(structs, clock);
    let group = openGroup(client, clock);
    while (i < structs.length) {
      const struct = structs[i];
      const offset = clock - struct.id.clock;
      const stop = sliceEnd(struct, offset, maxBytes - closedBytes - groupBytes(group));
      writeRange(group.encoder, struct, offset, stop);
      group.count++;
      clock = struct.id.clock + stop;
      if (stop === struct.length) i++;
      upTo.set(client, clock);
      if (closedBytes + groupBytes(group) >= maxBytes) {
        closed.push(group);
        flush();
        group = openGroup(client, clock);
      }
    }
    if (group.count > 0) {
      closedBytes += groupBytes(group);
      closed.push(group);
    }
  }
  if (closed.length > 0) flush();
  return { chunks, upTo };
}

/** Encodes a state vector the way Y.encodeStateVector does (Yjs does not export a Map encoder). */
export function encodeStateVectorMap(sv: StateVector): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, sv.size);
  for (const [client, clock] of [...sv.entries()].sort((a, b) => b[0] - a[0])) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
  }
  return encoding.toUint8Array(encoder);
}

function openGroup(client: number, clock: number): Group {
  return { client, clock, count: 0, encoder: new Y.UpdateEncoderV1() };
}

function groupBytes(group: Group): number {
  return encoding.length(group.encoder.restEncoder);
}

/** V1 update layout: #clients, then per client #structs, client, first clock, structs; then the delete set. */
function assembleChunk(groups: Group[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, groups.length);
  for (const g of groups) {
    encoding.writeVarUint(encoder, g.count);
    encoding.writeVarUint(encoder, g.client);
    encoding.writeVarUint(encoder, g.clock);
    encoding.writeUint8Array(encoder, g.encoder.toUint8Array());
  }
  encoding.writeVarUint(encoder, 0);
  return encoding.toUint8Array(encoder);
}

function anyValues(struct: Y.Item | Y.GC): unknown[] | null {
  if (!(struct instanceof Y.Item) || struct.content.getRef() !== CONTENT_ANY) return null;
  return (struct.content as unknown as { arr: unknown[] }).arr;
}

/** Where to stop writing `struct` (exclusive, relative to its first clock) so the chunk stays near `budget`. */
function sliceEnd(struct: Y.Item | Y.GC, offset: number, budget: number): number {
  const values = anyValues(struct);
  if (!values) return struct.length;
  let bytes = 0;
  for (let k = offset; k < values.length; k++) {
    bytes += estimateBytes(values[k]);
    if (bytes > budget) return Math.max(k, offset + 1);
  }
  return struct.length;
}

function estimateBytes(value: unknown): number {
  if (typeof value === 'string') return utf8Length(value) + 5;
  if (typeof value !== 'object' || value === null) return 9;
  return utf8Length(JSON.stringify(value) ?? '') + 5;
}

function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // 2-byte forms add 1; 3-byte forms add 2; each half of a surrogate pair adds 1 (4 bytes per pair)
    if (c > 0x7f) bytes += c > 0x7ff && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return bytes;
}

function writeRange(encoder: Y.UpdateEncoderV1, struct: Y.Item | Y.GC, offset: number, stop: number): void {
  if (stop === struct.length) {
    struct.write(encoder, offset);
    return;
  }
  // Item.write(encoder, offset) writes the item's ids and parent, then content from `offset` to the end.
  // A view of the item whose content writes only [offset, stop) gives the same bytes for the slice.
  const values = anyValues(struct) as unknown[];
  const slice = {
    getRef: () => CONTENT_ANY,
    write: (e: Y.UpdateEncoderV1) => {
      e.writeLen(stop - offset);
      for (let k = offset; k < stop; k++) e.writeAny(values[k] as never);
    },
  };
  (Object.create(struct, { content: { value: slice } }) as Y.Item).write(encoder, offset);
}
