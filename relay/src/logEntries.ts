import type { StructRange } from './updateStructure';

// The transcript log's entries (transcriptLog.ts), kept out of the JavaScript heap's object graph.
// A room holds every update of a transcript until it compacts: as objects (a Uint8Array, its ranges,
// an entry) that is several heap objects per line, and every major GC marks all of them, so a relay
// holding a few hundred thousand lines spent its tail latency in the collector. Here an update's
// bytes are copied into the room's slabs (a few large Buffers, outside the heap) and its place and
// where its structs start go into typed arrays: a room costs a handful of heap objects however long it grows.
// Slabs start small and double, so an idle room costs little.

const FIRST_SLAB = 16 * 1024;
const MAX_SLAB = 1024 * 1024;
const FIRST_ENTRIES = 16;

export class LogEntries {
  private slabs: Buffer[] = [];
  /** bytes used of the last slab */
  private used = 0;
  /** per entry: its slab, offset and length */
  private slab = new Uint32Array(FIRST_ENTRIES);
  private offset = new Uint32Array(FIRST_ENTRIES);
  private size = new Uint32Array(FIRST_ENTRIES);
  /** entry i's ranges are rangeFrom[rangeStart[i]] … up to rangeStart[i + 1] */
  private rangeStart = new Uint32Array(FIRST_ENTRIES + 1);
  /** per range: its client and first clock (clocks go to 2^53: doubles) */
  private rClient = new Float64Array(FIRST_ENTRIES);
  private rFrom = new Float64Array(FIRST_ENTRIES);
  private ranges = 0;
  private count = 0;
  private total = 0;

  get length(): number {
    return this.count;
  }

  /** bytes of every entry's update */
  get bytes(): number {
    return this.total;
  }

  push(update: Uint8Array, ranges: readonly StructRange[]): void {
    const i = this.count;
    if (i + 1 >= this.slab.length) this.growEntries();
    while (this.ranges + ranges.length > this.rClient.length) this.growRanges();
    const [slab, offset] = this.place(update.length);
    this.slabs[slab].set(update, offset);
    this.slab[i] = slab;
    this.offset[i] = offset;
    this.size[i] = update.length;
    for (const r of ranges) {
      this.rClient[this.ranges] = r.client;
      this.rFrom[this.ranges] = r.from;
      this.ranges++;
    }
    this.rangeStart[i + 1] = this.ranges;
    this.count = i + 1;
    this.total += update.length;
  }

  /** Entry i's update: a view of the slab (valid until `clear`). */
  update(i: number): Uint8Array {
    const offset = this.offset[i];
    return this.slabs[this.slab[i]].subarray(offset, offset + this.size[i]);
  }

  updates(from = 0): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = from; i < this.count; i++) out.push(this.update(i));
    return out;
  }

  byteLength(i: number): number {
    return this.size[i];
  }

  /** True if none of entry i's structs is one `have` (clock per client) already has part of. */
  startsAtOrAfter(i: number, have: ReadonlyMap<number, number>): boolean {
    for (let r = this.rangeStart[i]; r < this.rangeStart[i + 1]; r++) if (this.rFrom[r] < (have.get(this.rClient[r]) ?? 0)) return false;
    return true;
  }

  clear(): void {
    this.slabs = [];
    this.used = 0;
    this.ranges = 0;
    this.count = 0;
    this.total = 0;
  }

  /** Room for `n` bytes: the last slab's end, a new slab twice as large, or a slab of its own for a large update. */
  private place(n: number): [number, number] {
    const last = this.slabs.length - 1;
    if (last >= 0 && this.used + n <= this.slabs[last].length) {
      const offset = this.used;
      this.used += n;
      return [last, offset];
    }
    const next = last < 0 ? FIRST_SLAB : Math.min(MAX_SLAB, this.slabs[last].length * 2);
    this.slabs.push(Buffer.allocUnsafeSlow(Math.max(next, n)));
    this.used = n;
    return [last + 1, 0];
  }

  private growEntries(): void {
    const n = this.slab.length * 2;
    this.slab = grown(this.slab, n);
    this.offset = grown(this.offset, n);
    this.size = grown(this.size, n);
    this.rangeStart = grown(this.rangeStart, n + 1);
  }

  private growRanges(): void {
    const n = this.rClient.length * 2;
    this.rClient = grown(this.rClient, n);
    this.rFrom = grown(this.rFrom, n);
  }
}

function grown<T extends Uint32Array | Float64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
