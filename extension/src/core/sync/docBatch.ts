import type * as Y from 'yjs';
import {
  appendLines,
  appendSideLines,
  replaceLinesFrom,
  replaceSideLinesFrom,
  setMeta,
  setSideBlob,
  transcriptRoom,
  type SessionMeta,
  type TxOrigin,
} from '../../../../protocol/src';

// Collects what the tailers found during one event-loop turn and writes it in one transaction
// (scheduled with setImmediate), so a burst of reads becomes one Yjs update, not hundreds. Appends
// bigger than TX_CHARS are split over several transactions: each update then fits in one relay frame
// (the relay takes at most 64 MiB from a host), and every intermediate state is a prefix of the file.

/** characters of appended lines per transaction (≤ 3 bytes each in UTF-8, so ≤ 24 MiB per update) */
const TX_CHARS = 8 * 1024 * 1024;

export class DocBatch {
  private main: string[] = [];
  private side = new Map<string, string[]>();
  private blobs = new Map<string, Uint8Array>();
  private meta: Partial<SessionMeta> = {};
  private hasMeta = false;
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    private readonly doc: Y.Doc,
    private readonly origin: TxOrigin,
  ) {}

  appendMain(lines: readonly string[]): void {
    for (const line of lines) this.main.push(line);
    this.schedule();
  }

  appendSide(path: string, lines: readonly string[]): void {
    const queued = this.side.get(path);
    if (queued) for (const line of lines) queued.push(line);
    else this.side.set(path, [...lines]);
    this.schedule();
  }

  setBlob(path: string, bytes: Uint8Array): void {
    this.blobs.set(path, bytes);
    this.schedule();
  }

  /** The blob as the document will have it after the next flush. */
  blob(path: string): Uint8Array | undefined {
    return this.blobs.get(path) ?? transcriptRoom(this.doc).sideBlobs.get(path);
  }

  patchMeta(patch: Partial<SessionMeta>): void {
    Object.assign(this.meta, patch);
    this.hasMeta = true;
    this.schedule();
  }

  /**
   * Makes the main lines equal `lines` (the whole file, re-read): keeps the common prefix, appends when
   * the document's lines are a prefix of the file, otherwise replaces from the first difference (which
   * bumps the epoch). Returns that index, or undefined when nothing was replaced.
   */
  reconcileMain(lines: readonly string[]): number | undefined {
    this.flush();
    const existing = transcriptRoom(this.doc).lines.toArray();
    const i = commonPrefix(existing, lines);
    if (i === existing.length) {
      this.appendMain(lines.slice(i));
      return undefined;
    }
    replaceLinesFrom(this.doc, i, lines.slice(i), this.origin);
    return i;
  }

  /** The same for a side transcript (side files carry no epoch). */
  reconcileSide(path: string, lines: readonly string[]): number | undefined {
    this.flush();
    const existing = transcriptRoom(this.doc).sideLines.get(path)?.toArray() ?? [];
    const i = commonPrefix(existing, lines);
    if (i === existing.length) {
      if (i < lines.length || existing.length === 0) this.appendSide(path, lines.slice(i));
      return undefined;
    }
    replaceSideLinesFrom(this.doc, path, i, lines.slice(i), this.origin);
    return i;
  }

  /** Writes everything collected so far in one transaction. */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (!this.main.length && !this.side.size && !this.blobs.size && !this.hasMeta) return;
    const { main, side, blobs, meta, hasMeta } = this;
    this.main = [];
    this.side = new Map();
    this.blobs = new Map();
    this.meta = {};
    this.hasMeta = false;
    const mainParts = slices(main);
    const sideParts = [...side].map(([path, lines]) => [path, slices(lines)] as const);
    const turns = Math.max(1, mainParts.length, ...sideParts.map(([, parts]) => parts.length));
    for (let t = 0; t < turns; t++) {
      this.doc.transact(() => {
        if (mainParts[t]) appendLines(this.doc, mainParts[t], this.origin);
        for (const [path, parts] of sideParts) if (parts[t]) appendSideLines(this.doc, path, parts[t], this.origin);
        if (t > 0) return;
        for (const [path, bytes] of blobs) setSideBlob(this.doc, path, bytes, this.origin);
        if (hasMeta) setMeta(this.doc, meta, this.origin);
      }, this.origin);
    }
  }

  /** Flushes what is pending and stops scheduling. Idempotent. */
  dispose(): void {
    this.flush();
  }

  private schedule(): void {
    this.scheduled ??= setImmediate(() => this.flush());
  }
}

/** `lines` cut into runs of about TX_CHARS characters (a longer line is a run of its own). */
function slices(lines: string[]): string[][] {
  const out: string[][] = [];
  let run: string[] = [];
  let chars = 0;
  for (const line of lines) {
    if (run.length && chars + line.length > TX_CHARS) {
      out.push(run);
      run = [];
      chars = 0;
    }
    run.push(line);
    chars += line.length;
  }
  if (run.length) out.push(run);
  return out;
}

function commonPrefix(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
