import { isUtf8 } from 'node:buffer';
import * as Y from 'yjs';

// The structure of a Yjs update (v1) without its content: which clock ranges it adds per client,
// what it deletes, and which ids it refers to (origins, parents). The transcript room judges every
// write by this (transcriptLog.ts). Y.decodeUpdate would build every struct and decode every string
// of the content (a transcript line is kilobytes of JSON) only for the relay to throw it away: most
// of what the relay allocated per write. This reads the same bytes the way Yjs reads them (lib0's
// decoding, UpdateDecoderV1, the item content readers) and skips content, checking what Yjs would
// throw on: truncation, integers out of range, strings that are not UTF-8 (lib0's TextDecoder is
// fatal), unknown content, type or value tags. Content it cannot judge without decoding (JSON,
// embeds, formats, subdocuments: the legacy and rich-text kinds the relay's rooms never hold) is
// handed to Y.decodeUpdate instead, so no update is judged more leniently than a client reads it.
// It is stricter in one way: a length past the end of the update is an error even when the bytes
// happen to continue in the buffer the update was cut from.

export type StructRange = { client: number; from: number; to: number };
export type StructRef = { client: number; clock: number };
/** `gap`: the update has a Skip (it was cut from a larger one): its ranges are not known to be contiguous. */
export type UpdateStructure = { ranges: StructRange[]; deletes: StructRange[]; refs: StructRef[]; gap: boolean };

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const GAP = (): UpdateStructure => ({ ranges: [], deletes: [], refs: [], gap: true });

class Malformed extends Error {}
/** The content needs decoding to judge (JSON and the like): Y.decodeUpdate judges the update. */
class NeedsDecoding extends Error {}

/** Decodes an update's structure (throws if Yjs would not decode it). */
export function updateStructure(update: Uint8Array): UpdateStructure {
  try {
    return new Scanner(update).scan();
  } catch (e) {
    if (e instanceof NeedsDecoding) return decodedStructure(update);
    throw e;
  }
}

class Scanner {
  private pos = 0;
  private readonly out: UpdateStructure = { ranges: [], deletes: [], refs: [], gap: false };

  constructor(private readonly a: Uint8Array) {}

  scan(): UpdateStructure {
    const clients = this.varUint();
    for (let c = 0; c < clients; c++) {
      const structs = this.varUint();
      const client = this.varUint();
      let clock = this.varUint();
      for (let s = 0; s < structs; s++) clock += this.struct(client, clock);
    }
    const dsClients = this.varUint();
    for (let c = 0; c < dsClients; c++) {
      const client = this.varUint();
      const n = this.varUint();
      for (let i = 0; i < n; i++) {
        const clock = this.varUint();
        const len = this.varUint();
        if (len > 0) this.out.deletes.push({ client, from: clock, to: clock + len });
      }
    }
    if (this.out.gap) return GAP();
    return this.out;
  }

  /** One struct at (client, clock); returns its length. */
  private struct(client: number, clock: number): number {
    const info = this.uint8();
    if (info === 10) {
      this.out.gap = true; // a Skip; read on, so a malformed rest still throws as Yjs would
      return this.varUint();
    }
    if ((info & 0b11111) === 0) {
      const len = this.varUint(); // GC
      this.extend(client, clock, len);
      return len;
    }
    const refs = this.out.refs;
    if (info & 0b10000000) refs.push(this.id()); // origin
    if (info & 0b01000000) refs.push(this.id()); // right origin
    if ((info & 0b11000000) === 0) {
      if (this.varUint() === 1) this.string(); // parent: a root type's name
      else refs.push(this.id()); // parent: an item's id
      if (info & 0b00100000) this.string(); // parentSub
    }
    const len = this.content(info & 0b11111);
    this.extend(client, clock, len);
    return len;
  }

  private extend(client: number, clock: number, len: number): void {
    if (this.out.gap) return;
    const ranges = this.out.ranges;
    const last = ranges[ranges.length - 1];
    if (last && last.client === client && last.to === clock) last.to += len;
    else if (ranges.some((r) => r.client === client)) throw new Malformed(`the structs of client ${client} are not contiguous`);
    else ranges.push({ client, from: clock, to: clock + len });
  }

  /** Skips an item's content; returns the item's length as Yjs counts it. */
  private content(ref: number): number {
    switch (ref) {
      case 1: // deleted
        return this.varUint();
      case 3: // binary
        this.bytes();
        return 1;
      case 4: // string
        return this.stringLength();
      case 7: {
        // type
        const typeRef = this.varUint();
        if (typeRef > 6) throw new Malformed(`unknown type ref ${typeRef}`);
        if (typeRef === 3 || typeRef === 5) this.string(); // an XML element's or hook's name
        return 1;
      }
      case 8: {
        // any: a count of lib0 values
        const n = this.varUint();
        for (let i = 0; i < n; i++) this.any();
        return n;
      }
      case 2: // JSON
      case 5: // embed
      case 6: // format
      case 9: // subdocument
        throw new NeedsDecoding();
      default:
        throw new Malformed(`unknown content ref ${ref}`);
    }
  }

  /** Skips one lib0 `any` value (lib0/decoding readAny). */
  private any(): void {
    const tag = this.uint8();
    switch (tag) {
      case 127: // undefined
      case 126: // null
      case 121: // false
      case 120: // true
        return;
      case 125: // integer
        return this.varInt();
      case 124: // float32
        return this.skip(4);
      case 123: // float64
      case 122: // bigint64
        return this.skip(8);
      case 119: // string
        this.string();
        return;
      case 118: {
        // object
        const n = this.varUint();
        for (let i = 0; i < n; i++) {
          this.string();
          this.any();
        }
        return;
      }
      case 117: {
        // array
        const n = this.varUint();
        for (let i = 0; i < n; i++) this.any();
        return;
      }
      case 116: // Uint8Array
        this.bytes();
        return;
      default:
        throw new Malformed(`unknown value tag ${tag}`);
    }
  }

  private id(): StructRef {
    const client = this.varUint();
    return { client, clock: this.varUint() };
  }

  private uint8(): number {
    if (this.pos >= this.a.length) throw new Malformed('unexpected end of update');
    return this.a[this.pos++];
  }

  /** lib0's readVarUint: 7 bits a byte, low first. */
  private varUint(): number {
    const a = this.a;
    let num = 0;
    let mult = 1;
    while (this.pos < a.length) {
      const r = a[this.pos++];
      num += (r & 0x7f) * mult;
      mult *= 128;
      if (r < 0x80) return num;
      if (num > MAX_SAFE) throw new Malformed('integer out of range');
    }
    throw new Malformed('unexpected end of update');
  }

  /** lib0's readVarInt: a sign bit and 6 bits in the first byte, then 7 bits a byte. */
  private varInt(): void {
    const a = this.a;
    let r = this.uint8();
    if (r < 0x80) return;
    let num = r & 0x3f;
    let mult = 64;
    while (this.pos < a.length) {
      r = a[this.pos++];
      num += (r & 0x7f) * mult;
      mult *= 128;
      if (r < 0x80) return;
      if (num > MAX_SAFE) throw new Malformed('integer out of range');
    }
    throw new Malformed('unexpected end of update');
  }

  private skip(n: number): void {
    if (this.pos + n > this.a.length) throw new Malformed('unexpected end of update');
    this.pos += n;
  }

  /** A length-prefixed byte string; returns where it starts. */
  private bytes(): number {
    const n = this.varUint();
    const start = this.pos;
    this.skip(n);
    return start;
  }

  /** Skips a length-prefixed string, which must be UTF-8 (lib0's decoder is fatal); returns where its bytes start. */
  private string(): number {
    const start = this.bytes();
    if (!isUtf8(this.a.subarray(start, this.pos))) throw new Malformed('a string that is not UTF-8');
    return start;
  }

  /** A string item's content: its length in UTF-16 code units, as Yjs counts the item. */
  private stringLength(): number {
    const a = this.a;
    let units = 0;
    for (let i = this.string(), end = this.pos; i < end; i++) {
      const b = a[i];
      if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1; // a lead byte: one code unit, two for a 4-byte sequence (a surrogate pair)
    }
    return units;
  }
}

/** The structure read through Y.decodeUpdate, for updates whose content must be decoded to be judged. */
export function decodedStructure(update: Uint8Array): UpdateStructure {
  const { structs, ds } = Y.decodeUpdate(update);
  const ranges: StructRange[] = [];
  const refs: StructRef[] = [];
  let gap = false;
  for (const s of structs) {
    if (s instanceof Y.Skip) gap = true;
    if (gap) continue;
    const last = ranges[ranges.length - 1];
    if (last && last.client === s.id.client && last.to === s.id.clock) last.to += s.length;
    else if (ranges.some((r) => r.client === s.id.client)) throw new Error(`the structs of client ${s.id.client} are not contiguous`);
    else ranges.push({ client: s.id.client, from: s.id.clock, to: s.id.clock + s.length });
    if (!(s instanceof Y.Item)) continue;
    for (const id of [s.origin, s.rightOrigin, s.parent instanceof Y.ID ? s.parent : null]) if (id) refs.push({ client: id.client, clock: id.clock });
  }
  if (gap) return GAP();
  const deletes: StructRange[] = [];
  for (const [client, items] of ds.clients) for (const d of items) if (d.len > 0) deletes.push({ client, from: d.clock, to: d.clock + d.len });
  return { ranges, deletes, refs, gap: false };
}
