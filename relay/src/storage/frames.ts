// Record framing for the append-only room log: [u32 length][u32 crc32(payload)][payload], little
// endian. A crash can leave a torn last record (cut short); anything else that does not check out is
// corruption: the reader skips it, finds the next record whose length and checksum hold, and goes on,
// so the intact records after a damaged region are recovered.

const HEADER = 8;
/** Refuse absurd lengths from a corrupt header before allocating anything. */
const MAX_RECORD = 1 << 30;

const table = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

// zlib.crc32 needs Node 20.15+; VS Code's Electron may ship an older Node, so the relay carries its own.
export function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

export function frameRecord(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, HEADER);
  return out;
}

export type ReadRecords = {
  records: Uint8Array[];
  /** where the intact records end: the length to cut the file to when only a torn tail follows */
  validBytes: number;
  /** the file ends in an incomplete record (a crash during a write) */
  tornTail: boolean;
  /** damaged byte ranges that were skipped; the records after each were recovered */
  corrupt: Array<{ from: number; to: number }>;
};

type Frame = { kind: 'ok'; payload: Uint8Array } | { kind: 'short' } | { kind: 'bad' };

function frameAt(data: Uint8Array, view: DataView, at: number): Frame {
  if (data.length - at < HEADER) return { kind: 'short' };
  const length = view.getUint32(at, true);
  if (length > MAX_RECORD) return { kind: 'bad' };
  if (data.length - at - HEADER < length) return { kind: 'short' };
  const payload = data.subarray(at + HEADER, at + HEADER + length);
  return crc32(payload) === view.getUint32(at + 4, true) ? { kind: 'ok', payload } : { kind: 'bad' };
}

/** The next offset after `from` holding a non-empty record that checks out, or -1. Work is bounded:
 *  past `budget` checksummed bytes the rest of the file counts as damaged. */
function nextFrame(data: Uint8Array, view: DataView, from: number): number {
  let budget = 16 * data.length + (64 << 20);
  for (let at = from; at + HEADER < data.length; at++) {
    const length = view.getUint32(at, true);
    if (length === 0 || length > data.length - at - HEADER) continue;
    budget -= length;
    if (budget < 0) return -1;
    if (crc32(data.subarray(at + HEADER, at + HEADER + length)) === view.getUint32(at + 4, true)) return at;
  }
  return -1;
}

export function readRecords(data: Uint8Array): ReadRecords {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const records: Uint8Array[] = [];
  const corrupt: ReadRecords['corrupt'] = [];
  let at = 0;
  while (at < data.length) {
    const frame = frameAt(data, view, at);
    if (frame.kind === 'ok') {
      records.push(frame.payload);
      at += HEADER + frame.payload.length;
      continue;
    }
    const next = nextFrame(data, view, at + 1);
    if (next === -1 && frame.kind === 'short') return { records, validBytes: at, tornTail: true, corrupt };
    corrupt.push({ from: at, to: next === -1 ? data.length : next });
    if (next === -1) return { records, validBytes: at, tornTail: false, corrupt };
    at = next;
  }
  return { records, validBytes: at, tornTail: false, corrupt };
}
