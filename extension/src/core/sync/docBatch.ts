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
// (scheduled with setImmediate), so a burst of reads becomes one Yjs update, not hundreds.

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
    this.doc.transact(() => {
      appendLines(this.doc, main, this.origin);
      for (const [path, lines] of side) appendSideLines(this.doc, path, lines, this.origin);
      for (const [path, bytes] of blobs) setSideBlob(this.doc, path, bytes, this.origin);
      if (hasMeta) setMeta(this.doc, meta, this.origin);
    }, this.origin);
  }

  /** Flushes what is pending and stops scheduling. Idempotent. */
  dispose(): void {
    this.flush();
  }

  private schedule(): void {
    this.scheduled ??= setImmediate(() => this.flush());
  }
}

function commonPrefix(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
