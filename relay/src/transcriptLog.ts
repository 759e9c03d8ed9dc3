import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { Origin } from '../../protocol/src';
import { encodeStateVectorMap, encodeUpdateChunks, type StateVector } from '../../protocol/src/connector/updateChunks';
import type { Accepted, Admission, RoomState } from './roomState';
import { LogEntries } from './logEntries';
import { updateStructure, type StructRange, type UpdateStructure } from './updateStructure';

// The transcript room served from its ordered update log (relay notes §11, "Sync of big docs"): the
// relay keeps the updates as they came, never applying them to a Y.Doc. A client's clocks grow along
// the log, so the entries a state vector lacks start at a binary search per client: a reconnect
// costs O(tail), not O(document). A join of a small room gets one cached merged snapshot; a big one
// gets the log in chunks. A write is judged before it is stored, structurally: it must decode, each
// client's structs must continue where the room's end (no gap), and everything it refers to (origins,
// parents, deletions) must be in the room or in the write itself.

type Range = StructRange;
type LogAccepted = Accepted & { ranges: Range[]; deletes: Range[] };

/** A tail of at most this many updates is sent as the updates themselves; a longer one merged into chunks. */
const AS_IS_ENTRIES = 512;

export class TranscriptLog implements RoomState {
  /** writes that add structs, in log order (writes that only delete are in `deleted`) */
  private readonly entries = new LogEntries();
  /** per client: the indexes of the entries holding its structs and where each ends, both increasing */
  private readonly byClient = new Map<number, { at: number[]; ends: number[] }>();
  private readonly sv: StateVector = new Map();
  /** `sv` with the writes admitted but not yet durable */
  private readonly held: StateVector = new Map();
  private readonly deleted = new DeleteRanges();
  private snapshot: Uint8Array | null = null;
  private doc: Y.Doc | null = null;
  private viewed = 0;

  private constructor(private readonly chunkBytes: number) {}

  /** Stored updates are loaded through a Y.Doc once (`skipped`: one that does not apply), then kept as chunks of about `chunkBytes`. */
  static load(updates: Uint8Array[], chunkBytes: number, skipped: (e: Error) => void): TranscriptLog {
    const log = new TranscriptLog(chunkBytes);
    if (updates.length > 0) log.rebase(updates, skipped);
    return log;
  }

  /** Garbage-collects the log through a Y.Doc (overwritten values lose their content, as in any Y.Doc) and re-bases on the result. */
  compact(): Uint8Array {
    return this.rebase([this.state()], (e) => {
      throw e;
    });
  }

  admit(update: Uint8Array): Admission {
    return this.judge(update, false);
  }

  hold(accepted: Accepted): void {
    for (const r of (accepted as LogAccepted).ranges) this.held.set(r.client, Math.max(this.held.get(r.client) ?? 0, r.to));
  }

  apply(accepted: Accepted): void {
    const { update, ranges, deletes } = accepted as LogAccepted;
    this.hold(accepted);
    if (ranges.length > 0) {
      const index = this.entries.length;
      this.entries.push(update, ranges);
      for (const r of ranges) {
        let list = this.byClient.get(r.client);
        if (!list) this.byClient.set(r.client, (list = { at: [], ends: [] }));
        list.at.push(index);
        list.ends.push(r.to);
        this.sv.set(r.client, Math.max(this.sv.get(r.client) ?? 0, r.to));
      }
    }
    for (const d of deletes) this.deleted.add(d);
    this.snapshot = null;
  }

  applyRemote(update: Uint8Array): Accepted | null {
    const verdict = this.judge(update, true);
    if ('malformed' in verdict) throw new Error(verdict.malformed);
    if (!('accepted' in verdict)) return null;
    this.apply(verdict.accepted);
    return verdict.accepted;
  }

  stateVector(): Uint8Array {
    return encodeStateVectorMap(this.sv);
  }

  state(): Uint8Array {
    return (this.snapshot ??= Y.mergeUpdates([...this.entries.updates(), this.deleted.encode()]));
  }

  isRedundant(update: Uint8Array): boolean {
    const parsed = updateStructure(update);
    if (parsed.gap) return false;
    return parsed.ranges.every((r) => r.to <= (this.sv.get(r.client) ?? 0)) && parsed.deletes.every((d) => this.deleted.covers(d));
  }

  chunks(fromSv: Uint8Array, maxBytes: number): { chunks: Uint8Array[]; upTo: Uint8Array } {
    const from = Y.decodeStateVector(fromSv);
    const start = this.firstNeeded(from);
    const count = this.entries.length - start;
    // a small room: the final answer is the cached snapshot, shared by everyone joining
    if (count === 0 || (start === 0 && this.entries.bytes <= maxBytes)) return { chunks: [], upTo: fromSv };
    const upTo = new Map(from);
    for (const [client, clock] of this.sv) upTo.set(client, Math.max(upTo.get(client) ?? 0, clock));
    // a reconnect: the updates it missed as they came (only one it has part of is cut), nothing re-encoded
    if (count <= AS_IS_ENTRIES) {
      const chunks: Uint8Array[] = [];
      for (let i = start; i < this.entries.length; i++) chunks.push(this.entries.startsAtOrAfter(i, from) ? this.entries.update(i) : Y.diffUpdate(this.entries.update(i), fromSv));
      return { chunks, upTo: encodeStateVectorMap(upTo) };
    }
    const chunks: Uint8Array[] = [];
    let group: Uint8Array[] = [];
    let bytes = 0;
    const flush = () => {
      chunks.push(Y.diffUpdate(group.length === 1 ? group[0] : Y.mergeUpdates(group), fromSv));
      group = [];
      bytes = 0;
    };
    for (let i = start; i < this.entries.length; i++) {
      const n = this.entries.byteLength(i);
      if (group.length > 0 && bytes + n > maxBytes) flush();
      group.push(this.entries.update(i));
      bytes += n;
    }
    flush();
    return { chunks, upTo: encodeStateVectorMap(upTo) };
  }

  after(upTo: Uint8Array): Uint8Array {
    const start = this.firstNeeded(Y.decodeStateVector(upTo));
    if (start === 0) return Y.diffUpdate(this.state(), upTo);
    const parts = this.entries.updates(start);
    return Y.diffUpdate(Y.mergeUpdates([...parts, this.deleted.encode()]), upTo);
  }

  stateBefore(update: Uint8Array): Uint8Array {
    const sv = new Map(this.sv);
    for (const [client, clock] of Y.parseUpdateMeta(update).from) sv.set(client, Math.min(sv.get(client) ?? 0, clock));
    return encodeStateVectorMap(sv);
  }

  /** Built on first use and caught up on each later one: only rules that read the document pay for it. */
  view(): Y.Doc {
    const doc = (this.doc ??= new Y.Doc({ gc: true }));
    doc.transact(() => {
      for (; this.viewed < this.entries.length; this.viewed++) Y.applyUpdate(doc, this.entries.update(this.viewed));
      Y.applyUpdate(doc, this.deleted.encode());
    }, Origin.storage);
    return doc;
  }

  dispose(): void {
    this.doc?.destroy();
    this.entries.clear();
  }

  private rebase(updates: Uint8Array[], skipped: (e: Error) => void): Uint8Array {
    const doc = new Y.Doc({ gc: true });
    doc.transact(() => {
      for (const update of updates) {
        try {
          Y.applyUpdate(doc, update);
        } catch (e) {
          skipped(e as Error);
        }
      }
    }, Origin.storage);
    const merged = Y.encodeStateAsUpdate(doc);
    const pending = new Map(this.held);
    this.entries.clear();
    this.byClient.clear();
    this.sv.clear();
    this.held.clear();
    this.deleted.clear();
    for (const chunk of encodeUpdateChunks(doc, new Map(), this.chunkBytes).chunks) this.applyRemote(chunk);
    this.applyRemote(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc)));
    for (const [client, clock] of pending) this.held.set(client, Math.max(this.held.get(client) ?? 0, clock));
    doc.destroy();
    if (this.doc) this.viewed = this.entries.length;
    return merged;
  }

  /** The index of the first entry holding a struct `sv` lacks (entries.length if none). */
  private firstNeeded(sv: StateVector): number {
    let start = this.entries.length;
    for (const [client, { at, ends }] of this.byClient) {
      const have = sv.get(client) ?? 0;
      let lo = 0;
      let hi = ends.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ends[mid] > have) hi = mid;
        else lo = mid + 1;
      }
      if (lo < at.length) start = Math.min(start, at[lo]);
    }
    return start;
  }

  /** `trusted`: stored or judged by another node already: only trimmed to what the room lacks. */
  private judge(update: Uint8Array, trusted: boolean): Admission {
    let parsed: UpdateStructure;
    try {
      parsed = updateStructure(update);
    } catch (e) {
      return { malformed: (e as Error).message };
    }
    const { ranges, deletes, refs } = parsed;
    const have = (client: number) => this.held.get(client) ?? 0;
    if (!trusted) {
      if (parsed.gap || ranges.some((r) => r.from > have(r.client))) return { behind: true };
      // how far the room reaches with this write (a write has one range per client)
      const reach = (client: number) => ranges.reduce((n, r) => (r.client === client ? Math.max(n, r.to) : n), have(client));
      if (!refs.every((r) => r.clock < reach(r.client)) || !deletes.every((d) => d.to <= reach(d.client))) return { behind: true };
    }
    const fresh = ranges.filter((r) => r.to > have(r.client));
    if (fresh.length === 0 && deletes.every((d) => this.deleted.covers(d))) return { redundant: true };
    if (fresh.length === ranges.length && fresh.every((r) => r.from >= have(r.client))) return { accepted: { update, ranges, deletes } as LogAccepted };
    const trimmed = fresh.map((r) => ({ ...r, from: Math.max(r.from, have(r.client)) }));
    return { accepted: { update: Y.diffUpdate(update, encodeStateVectorMap(this.held)), ranges: trimmed, deletes } as LogAccepted };
  }
}

/** Deleted clock ranges per client, sorted and merged; encodes as an update with no structs. */
class DeleteRanges {
  private readonly clients = new Map<number, Array<[number, number]>>();
  private encoded: Uint8Array | null = null;

  clear(): void {
    this.clients.clear();
    this.encoded = null;
  }

  add({ client, from, to }: Range): void {
    let list = this.clients.get(client);
    if (!list) this.clients.set(client, (list = []));
    const last = list[list.length - 1];
    if (last && last[0] <= from && to <= last[1]) return;
    this.encoded = null;
    if (!last || last[1] < from) {
      list.push([from, to]);
      return;
    }
    const i = this.firstEndingAtOrAfter(list, from);
    let j = i;
    let f = from;
    let t = to;
    for (; j < list.length && list[j][0] <= to; j++) {
      f = Math.min(f, list[j][0]);
      t = Math.max(t, list[j][1]);
    }
    list.splice(i, j - i, [f, t]);
  }

  covers({ client, from, to }: Range): boolean {
    const list = this.clients.get(client);
    if (!list) return false;
    const i = this.firstEndingAtOrAfter(list, to);
    return i < list.length && list[i][0] <= from;
  }

  /** V1: no structs, then the delete set (#clients; per client: client, #ranges, clock and length each). */
  encode(): Uint8Array {
    if (this.encoded) return this.encoded;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    const clients = [...this.clients].filter(([, list]) => list.length > 0).sort((a, b) => b[0] - a[0]);
    encoding.writeVarUint(e, clients.length);
    for (const [client, list] of clients) {
      encoding.writeVarUint(e, client);
      encoding.writeVarUint(e, list.length);
      for (const [from, to] of list) {
        encoding.writeVarUint(e, from);
        encoding.writeVarUint(e, to - from);
      }
    }
    return (this.encoded = encoding.toUint8Array(e));
  }

  private firstEndingAtOrAfter(list: Array<[number, number]>, clock: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid][1] >= clock) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
