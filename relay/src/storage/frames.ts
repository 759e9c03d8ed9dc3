// Record framing for the append-only room log: [u32 length][u32 crc32(payload)][payload], little
// endian. A crash can leave a torn last record; the reader stops at the first record that is short or
// fails its checksum and reports where the good prefix ends.

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
  /** length of the valid prefix; anything after it is torn or corrupt */
  validBytes: number;
  /** why reading stopped before the end, if it did */
  problem: 'torn-tail' | 'bad-checksum' | null;
};

export function readRecords(data: Uint8Array): ReadRecords {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const records: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    if (data.length - at < HEADER) return { records, validBytes: at, problem: 'torn-tail' };
    const length = view.getUint32(at, true);
    const crc = view.getUint32(at + 4, true);
    if (length > MAX_RECORD) return { records, validBytes: at, problem: 'bad-checksum' };
    if (data.length - at - HEADER < length) return { records, validBytes: at, problem: 'torn-tail' };
    const payload = data.subarray(at + HEADER, at + HEADER + length);
    if (crc32(payload) !== crc) return { records, validBytes: at, problem: 'bad-checksum' };
    records.push(payload);
    at += HEADER + length;
  }
  return { records, validBytes: at, problem: null };
}
