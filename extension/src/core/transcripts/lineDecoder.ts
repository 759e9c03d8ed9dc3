import { isAscii, isUtf8 } from 'node:buffer';

// Turns bytes into lines: split on `\n` bytes, decode each line once. Valid UTF-8 round-trips byte
// for byte (Buffer.from(line, 'utf8') gives the bytes back); bytes that are not valid UTF-8 decode to
// U+FFFD and the line is reported, because a JavaScript string cannot hold them.

export const NEWLINE = 0x0a;

export type DecodedLines = {
  lines: string[];
  /** indexes (into `lines`) of lines whose bytes were not valid UTF-8 */
  invalidUtf8: number[];
};

/**
 * Decodes `buf[start, end)`, which must hold whole lines: `end - 1` is a newline byte. An ASCII-only
 * region is decoded in one call and split (fastest); otherwise each line is decoded on its own, which
 * is faster than decoding the region as one string and keeps ASCII lines in V8's compact one-byte
 * form instead of making every line of the region two-byte.
 */
export function decodeLines(buf: Uint8Array, start: number, end: number): DecodedLines {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (end <= start) return { lines: [], invalidUtf8: [] };
  const region = b.subarray(start, end);
  if (isAscii(region)) return { lines: b.toString('latin1', start, end - 1).split('\n'), invalidUtf8: [] };
  const valid = isUtf8(region);
  const lines: string[] = [];
  const invalidUtf8: number[] = [];
  for (let s = start; s < end; ) {
    const nl = b.indexOf(NEWLINE, s);
    const stop = nl < 0 || nl >= end ? end : nl;
    if (!valid && !isUtf8(b.subarray(s, stop))) invalidUtf8.push(lines.length);
    lines.push(b.toString('utf8', s, stop));
    s = stop + 1;
  }
  return { lines, invalidUtf8 };
}

/** Decodes one line held in several buffers (a line that spanned reads). */
export function decodeLine(parts: readonly Uint8Array[]): { line: string; validUtf8: boolean } {
  const bytes = parts.length === 1 ? Buffer.from(parts[0].buffer, parts[0].byteOffset, parts[0].byteLength) : Buffer.concat(parts);
  return { line: bytes.toString('utf8'), validUtf8: isUtf8(bytes) };
}

/**
 * The largest index ≤ `end` that does not split a UTF-8 character, so `buf[0, index)` can be checked
 * on its own. Falls back to `end` when the bytes there are not UTF-8 anyway.
 */
export function charBoundary(buf: Uint8Array, end: number): number {
  let i = end;
  while (i > 0 && end - i < 3 && (buf[i - 1] & 0xc0) === 0x80) i--;
  const lead = i > 0 ? buf[i - 1] : 0;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i - 1 + need > end ? i - 1 : end;
}
