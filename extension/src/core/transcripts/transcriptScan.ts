import { isUtf8 } from 'node:buffer';
import fs from 'node:fs/promises';
import { countDiagnostic, type DiagnosticCounts } from './diagnostics';
import { parseObject } from './jsonLine';
import { NEWLINE, charBoundary } from './lineDecoder';
import { META_MAX, META_PREFIXES, SessionFacts } from './sessionFacts';

// One streaming pass over a transcript for the catalog: counts lines and odd lines without decoding
// most of them. Only these lines are JSON-parsed: the head until the first human prompt and cwd (at
// most 1 MiB), the last 64 KiB, and short metadata lines anywhere (titles and summaries are appended
// mid-file). Other lines only get a shape check (`{` … `}`) and, when their chunk is not valid UTF-8,
// a UTF-8 check.

const CHUNK = 1024 * 1024;
const HEAD_BYTES = 1024 * 1024;
const TAIL_BYTES = 64 * 1024;
const META_BUFFERS = META_PREFIXES.map((p) => Buffer.from(p));
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

export type TranscriptScan = {
  bytes: number;
  mtimeMs: number;
  /** complete lines; a partial last line (a write in progress) is not counted */
  lines: number;
  /** lines that are not JSON objects or not valid UTF-8 */
  errors: DiagnosticCounts;
  facts: SessionFacts;
};

export async function scanTranscript(file: string): Promise<TranscriptScan> {
  const fh = await fs.open(file, 'r');
  try {
    const st = await fh.stat();
    const scan: TranscriptScan = { bytes: st.size, mtimeMs: st.mtimeMs, lines: 0, errors: {}, facts: new SessionFacts() };
    const tailStart = Math.max(0, st.size - TAIL_BYTES);
    const facts = scan.facts;
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK, st.size)));
    // The line in progress: where it starts, whether its position asks for a parse, its first and
    // last byte, whether a part of it was bad UTF-8, and its bytes while it may still be parsed.
    let lineStart = 0;
    let inRegion = true;
    let firstByte = -1;
    let lastByte = -1;
    let badUtf8 = false;
    let kept: Buffer[] = [];
    let keptBytes = 0;

    for (let pos = 0; pos < st.size; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, st.size - pos), pos);
      if (bytesRead === 0) break;
      // Process up to the last newline (or a character boundary inside a very long line), so every
      // piece we check for UTF-8 starts and ends between characters; the rest is read again.
      const lastNl = buf.lastIndexOf(NEWLINE, bytesRead - 1);
      const end = lastNl >= 0 ? lastNl + 1 : pos + bytesRead >= st.size ? bytesRead : charBoundary(buf, bytesRead) || bytesRead;
      const chunk = buf.subarray(0, end);
      const chunkValid = isUtf8(chunk);
      for (let s = 0; s < end; ) {
        const nl = chunk.indexOf(NEWLINE, s);
        const stop = nl < 0 ? end : nl;
        if (stop > s) {
          if (firstByte < 0) firstByte = chunk[s];
          lastByte = chunk[stop - 1];
          if (!chunkValid && !isUtf8(chunk.subarray(s, stop))) badUtf8 = true;
        }
        const length = pos + stop - lineStart;
        if (inRegion || length <= META_MAX) {
          kept.push(Buffer.from(chunk.subarray(s, stop)));
          keptBytes += stop - s;
        } else if (keptBytes) {
          kept = [];
          keptBytes = 0;
        }
        if (nl < 0) break;
        scan.lines++;
        if (badUtf8) countDiagnostic(scan.errors, 'invalid-utf8');
        if (firstByte !== OPEN_BRACE || lastByte !== CLOSE_BRACE) countDiagnostic(scan.errors, 'not-json');
        else if (keptBytes && (inRegion || META_BUFFERS.some((p) => kept[0].subarray(0, p.length).equals(p)))) {
          const entry = parseObject(Buffer.concat(kept).toString('utf8'));
          if (entry) facts.observe(entry);
          else countDiagnostic(scan.errors, 'not-json');
        }
        lineStart = pos + nl + 1;
        inRegion = lineStart >= tailStart || (lineStart < HEAD_BYTES && (!facts.hasPrompt || !facts.cwd));
        firstByte = lastByte = -1;
        badUtf8 = false;
        kept = [];
        keptBytes = 0;
        s = nl + 1;
      }
      pos += end;
    }
    return scan;
  } finally {
    await fh.close();
  }
}
