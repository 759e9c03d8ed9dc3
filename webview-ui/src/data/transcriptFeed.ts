import type * as Y from 'yjs';
import type { Item } from '../model/items';
import { TranscriptModel, type ModelChange, type ModelOptions } from '../model/transcriptModel';

// Keeps a TranscriptModel in step with a Y.Array of lines and exposes the items to draw.
// A long session is shown tail first: the last TAIL_LINES lines get a model of their own and are
// painted at once, while the full model is built in slices between frames; when it has caught up it
// replaces the tail model (the list keeps the reader's place by item key, which is a line index in
// both). Appends go to the shown model as they arrive; anything but an append (the host rewrote the
// file and bumped the epoch) starts over, so a viewer never mixes old and new lines.

export const TAIL_LINES = 1500;
const SLICE_LINES = 2000;

export type FeedView = {
  items: readonly Item[];
  /** false while older lines are still being read */
  complete: boolean;
  model: TranscriptModel;
  /** bumps on every change, so a view can tell cheaply that something moved */
  version: number;
};

export type Scheduler = (task: () => void) => () => void;

const nextTask: Scheduler = (task) => {
  const id = setTimeout(task, 0);
  return () => clearTimeout(id);
};

export class TranscriptFeed {
  private shown!: TranscriptModel;
  private full: TranscriptModel | null = null;
  private fullSource: string[] = [];
  private items: Item[] = [];
  private verbose = false;
  private version = 0;
  private cancelBuild: (() => void) | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly observer: (event: Y.YArrayEvent<string>) => void;
  private disposed = false;

  constructor(
    private readonly lines: Y.Array<string>,
    private readonly options: ModelOptions = {},
    private readonly schedule: Scheduler = nextTask,
  ) {
    this.observer = (event) => this.handle(event);
    lines.observe(this.observer);
    this.start();
  }

  view(): FeedView {
    return { items: this.items, complete: this.full === null, model: this.shown, version: this.version };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private handle(event: Y.YArrayEvent<string>): void {
    const added = appendedLines(event.changes.delta, event.target.length);
    if (added && added.length <= TAIL_LINES) {
      if (this.full) this.fullSource.push(...added);
      return this.apply(this.shown.append(added));
    }
    if (added && this.full) {
      // a big append while the full model is still being built: keep building, show the new tail now
      this.fullSource.push(...added);
      return this.showTail();
    }
    this.start();
  }

  setVerbose(verbose: boolean): void {
    if (verbose === this.verbose) return;
    this.verbose = verbose;
    this.refilter();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cancelBuild?.();
    this.lines.unobserve(this.observer);
    this.listeners.clear();
  }

  private start(): void {
    this.cancelBuild?.();
    this.cancelBuild = null;
    const all = this.lines.toArray();
    if (all.length <= TAIL_LINES) {
      this.full = null;
      this.fullSource = [];
      this.shown = new TranscriptModel(this.options);
      this.shown.append(all);
      this.refilter();
      return;
    }
    this.full = new TranscriptModel(this.options);
    this.fullSource = all;
    this.showTail();
    this.cancelBuild = this.schedule(() => this.buildSlice());
  }

  private showTail(): void {
    const first = this.fullSource.length - TAIL_LINES;
    this.shown = new TranscriptModel({ ...this.options, firstLine: first });
    this.shown.append(this.fullSource.slice(first));
    this.refilter();
  }

  private buildSlice(): void {
    const full = this.full;
    if (!full || this.disposed) return;
    const done = full.lineCount;
    full.append(this.fullSource.slice(done, done + SLICE_LINES));
    if (full.lineCount < this.fullSource.length) {
      this.cancelBuild = this.schedule(() => this.buildSlice());
      return;
    }
    this.cancelBuild = null;
    this.shown = full;
    this.full = null;
    this.fullSource = [];
    this.refilter();
  }

  private apply(change: ModelChange): void {
    if (change.regrouped) return this.refilter();
    for (const item of change.added) if (this.verbose || !item.quiet) this.items.push(item);
    this.notify();
  }

  private refilter(): void {
    this.items = this.verbose ? [...this.shown.items] : this.shown.items.filter((i) => !i.quiet);
    this.notify();
  }

  private notify(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

/** The lines a change appended at the end, or null when it did anything else. */
export function appendedLines(delta: readonly { insert?: unknown; retain?: number; delete?: number }[], lengthAfter: number): string[] | null {
  const last = delta[delta.length - 1];
  if (!last || !Array.isArray(last.insert) || delta.length > 2) return null;
  const retained = delta.length === 2 ? delta[0].retain : 0;
  return retained === lengthAfter - last.insert.length ? (last.insert as string[]) : null;
}
