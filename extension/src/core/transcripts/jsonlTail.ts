import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import type { Diagnostic } from './diagnostics';
import { NEWLINE, decodeLine, decodeLines } from './lineDecoder';

// Reads a JSONL file that grows: byte offsets, a partial last line held until its newline arrives,
// and detection of a file that was shortened, replaced or changed before the read position (then
// everything is re-read from byte 0). It never watches anything itself: the caller calls read()
// whenever the file may have changed (see fileFollower.ts) and gets the lines that completed.
//
// Reads are synchronous on purpose: they copy from the page cache (microseconds), while each async fs
// call is a thread-pool round trip that, on a busy 2-core machine, measured 10–20 ms at p99 for the
// five calls one append needs, against 0.5 ms for the same calls made synchronously. Callers bound
// the work per call with a byte budget and yield between calls.

const MiB = 1024 * 1024;
/** 14× the longest line seen in the wild (2.27 MB), and small enough that a line's Yjs update fits in
 *  one relay frame (64 MiB from a host); a 200 MB line becomes a placeholder instead of a crash */
export const DEFAULT_MAX_LINE_BYTES = 32 * MiB;
const DEFAULT_CHUNK_BYTES = 4 * MiB;
/** how many bytes before the read offset are compared on each read to notice a rewrite */
const WINDOW_BYTES = 4096;

/** Where a restarted tail resumes: neither loses nor repeats a line. Serialisable as JSON. */
export const TailCheckpoint = z.object({
  /** byte offset just after the last complete line */
  offset: z.number().int().nonnegative(),
  /** complete lines before `offset` */
  lines: z.number().int().nonnegative(),
  /** sha256 (base64) of the up to 4 KiB just before `offset`, to notice a file rewritten meanwhile */
  fingerprint: z.string(),
});
export type TailCheckpoint = z.infer<typeof TailCheckpoint>;

export type TailUpdate =
  /** lines that completed since the last read; `firstLine` is the index of `lines[0]` in the file;
   *  `more` when the read stopped at the budget rather than at the end of the file */
  | { kind: 'append'; firstLine: number; lines: string[]; more: boolean }
  /** the file changed before the read position: these are all its lines, from line 0 */
  | { kind: 'rewrite'; reason: string; lines: string[] }
  /** the file does not exist (deleted, or not written yet) */
  | { kind: 'missing' }
  | { kind: 'unreadable'; message: string };

export type JsonlTailOptions = {
  checkpoint?: TailCheckpoint;
  /** a longer line is replaced by a placeholder line (see omittedLine) and reported */
  maxLineBytes?: number;
  /** bytes per read call */
  chunkBytes?: number;
  onDiagnostic?: (d: Diagnostic) => void;
};

/** The `type` of the line that stands in for a line over the cap, so line indexes stay those of the file. */
export const OMITTED_LINE_TYPE = 'tandem-omitted-line';

export function omittedLine(bytes: number, maxLineBytes: number): string {
  return JSON.stringify({ type: OMITTED_LINE_TYPE, reason: `line of ${bytes} bytes is over the ${maxLineBytes}-byte cap`, bytes });
}

export class JsonlTail {
  private readonly maxLineBytes: number;
  private readonly chunk: Buffer;
  private readonly onDiagnostic: (d: Diagnostic) => void;
  /** byte offset just after the last complete line, and the number of complete lines */
  private offset = 0;
  private lines = 0;
  /** bytes consumed so far: `offset` plus the line in progress */
  private readPos = 0;
  /** the up to 4 KiB before `offset`, and before `readPos` */
  private window: Buffer = Buffer.alloc(0);
  private recent: Buffer = Buffer.alloc(0);
  /** a restored checkpoint's fingerprint, checked on the first read */
  private expectedFingerprint: string | undefined;
  private ino: number | undefined;
  /** the line in progress; `skipped` counts its bytes once it went over the cap and was dropped */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipped: number | undefined;

  constructor(
    readonly path: string,
    options: JsonlTailOptions = {},
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    // A line that fits in one chunk is then never over the cap: only lines spanning reads need counting.
    this.chunk = Buffer.allocUnsafe(Math.max(1, Math.min(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, this.maxLineBytes)));
    this.onDiagnostic = options.onDiagnostic ?? (() => undefined);
    const cp = options.checkpoint;
    if (cp) {
      this.offset = this.readPos = cp.offset;
      this.lines = cp.lines;
      this.expectedFingerprint = cp.fingerprint;
    }
  }

  checkpoint(): TailCheckpoint {
    return { offset: this.offset, lines: this.lines, fingerprint: this.expectedFingerprint ?? fingerprint(this.window) };
  }

  /**
   * Reads what the file gained since the last call. Appends stop after about `budgetBytes` (call again
   * for the rest, e.g. to publish a big file over several turns); a rewrite is always read whole, so
   * the caller can replace the old lines in one step. Never throws for file trouble: see TailUpdate.
   */
  read(budgetBytes = Infinity): TailUpdate {
    let fd: number | undefined;
    try {
      fd = fs.openSync(this.path, 'r');
      const st = fs.fstatSync(fd);
      if (!st.isFile()) return this.unreadable(`${this.path} is not a regular file`);
      const reason = this.changedBefore(fd, st);
      this.ino = st.ino;
      if (reason) {
        this.reset();
        this.onDiagnostic({ kind: 'rewritten', file: this.path, message: `${reason}; re-reading it from the start` });
        return { kind: 'rewrite', reason, lines: this.readLines(fd, Infinity).lines };
      }
      const firstLine = this.lines;
      return { kind: 'append', firstLine, ...this.readLines(fd, budgetBytes) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
      return this.unreadable(`cannot read ${this.path}: ${(e as Error).message}`);
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  private unreadable(message: string): TailUpdate {
    this.onDiagnostic({ kind: 'unreadable', file: this.path, message });
    return { kind: 'unreadable', message };
  }

  /** Why the bytes we already read are no longer the file's, or undefined when they still are. */
  private changedBefore(fd: number, st: { size: number; ino: number }): string | undefined {
    if (this.ino !== undefined && st.ino !== this.ino) return `${this.path} was replaced by another file`;
    if (st.size < this.readPos) return `${this.path} shrank from ${this.readPos} to ${st.size} bytes`;
    if (this.offset === 0) return undefined;
    const len = Math.min(WINDOW_BYTES, this.offset);
    const onDisk = Buffer.alloc(len);
    const bytesRead = fs.readSync(fd, onDisk, 0, len, this.offset - len);
    if (this.expectedFingerprint !== undefined) {
      if (bytesRead < len || fingerprint(onDisk) !== this.expectedFingerprint) return `${this.path} no longer matches the checkpoint`;
      this.expectedFingerprint = undefined;
      this.window = this.recent = onDisk;
      return undefined;
    }
    if (bytesRead < len || !onDisk.equals(this.window)) return `${this.path} changed before byte ${this.offset}`;
    return undefined;
  }

  private reset(): void {
    this.offset = this.lines = this.readPos = this.pendingBytes = 0;
    this.window = this.recent = Buffer.alloc(0);
    this.pending = [];
    this.skipped = this.expectedFingerprint = undefined;
  }

  private readLines(fd: number, budgetBytes: number): { lines: string[]; more: boolean } {
    const lines: string[] = [];
    for (let consumed = 0; consumed < budgetBytes; ) {
      const bytesRead = fs.readSync(fd, this.chunk, 0, this.chunk.length, this.readPos);
      if (bytesRead === 0) return { lines, more: false };
      this.consume(this.chunk.subarray(0, bytesRead), lines);
      consumed += bytesRead;
    }
    return { lines, more: true };
  }

  /** Takes one chunk read at `readPos`: completes the line in progress, decodes whole lines, holds the rest. */
  private consume(data: Buffer, out: string[]): void {
    const chunkStart = this.readPos;
    const recentBefore = this.recent;
    this.readPos += data.length;
    this.recent = lastBytes(recentBefore, data);
    const firstNl = data.indexOf(NEWLINE);
    if (firstNl < 0) return this.hold(data);
    this.finishLine(data.subarray(0, firstNl), out);
    const lastNl = data.lastIndexOf(NEWLINE);
    if (lastNl > firstNl) {
      const decoded = decodeLines(data, firstNl + 1, lastNl + 1);
      for (const i of decoded.invalidUtf8) this.reportInvalidUtf8(this.lines + i);
      for (const line of decoded.lines) out.push(line);
      this.lines += decoded.lines.length;
    }
    this.offset = chunkStart + lastNl + 1;
    this.window = lastBytes(recentBefore, data.subarray(0, lastNl + 1));
    if (lastNl + 1 < data.length) this.hold(data.subarray(lastNl + 1));
  }

  /** Keeps the start of a line whose newline has not arrived; past the cap, only its length is kept. */
  private hold(bytes: Buffer): void {
    if (this.skipped !== undefined) {
      this.skipped += bytes.length;
      return;
    }
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > this.maxLineBytes) {
      this.skipped = this.pendingBytes;
      this.pending = [];
      this.pendingBytes = 0;
    }
  }

  private finishLine(rest: Buffer, out: string[]): void {
    const total = (this.skipped ?? this.pendingBytes) + rest.length;
    if (this.skipped !== undefined || total > this.maxLineBytes) {
      out.push(omittedLine(total, this.maxLineBytes));
      this.onDiagnostic({
        kind: 'line-too-long',
        file: this.path,
        line: this.lines,
        message: `line ${this.lines + 1} is ${total} bytes, over the ${this.maxLineBytes}-byte cap; a placeholder line stands in for it`,
      });
    } else {
      const { line, validUtf8 } = decodeLine(this.pending.length ? [...this.pending, rest] : [rest]);
      if (!validUtf8) this.reportInvalidUtf8(this.lines);
      out.push(line);
    }
    this.lines++;
    this.pending = [];
    this.pendingBytes = 0;
    this.skipped = undefined;
  }

  private reportInvalidUtf8(line: number): void {
    this.onDiagnostic({
      kind: 'invalid-utf8',
      file: this.path,
      line,
      message: `line ${line + 1} is not valid UTF-8; it is carried with U+FFFD in place of the bad bytes`,
    });
  }
}

function fingerprint(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** A copy of the last WINDOW_BYTES of `prev` followed by `next`. */
function lastBytes(prev: Buffer, next: Buffer): Buffer {
  if (next.length >= WINDOW_BYTES) return Buffer.from(next.subarray(next.length - WINDOW_BYTES));
  return Buffer.concat([prev.subarray(Math.max(0, prev.length - (WINDOW_BYTES - next.length))), next]);
}
