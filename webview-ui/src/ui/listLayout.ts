// The arithmetic of the virtualised list, free of the DOM so it runs (and is property-tested) in Node.
//
// One layout pass: the rows drawn report their measured heights; heights are kept per row key and per
// list width (a row's height depends only on its content and the width); the scroll position is then
// derived, never read back from the browser's scrollHeight: in follow mode it is pinned to the bottom
// of the measured total, otherwise the anchor row (the first row at the top of the viewport) keeps its
// offset from the viewport top. The pass asks for another render only when the set of rows to draw
// or a measured height changed; measurements only ever replace estimates, so passes run out.

export type Range = { first: number; last: number };

export type PassResult = {
  /** the scroll position the list must have, when it differs from the one it has */
  scrollTop: number | null;
  /** rows to draw or row offsets changed: render again and run another pass */
  rerender: boolean;
};

/** Widths whose measurements are kept, so resizing back and forth does not measure everything again. */
const KEPT_WIDTHS = 4;

export class ListLayout {
  private count = 0;
  private estimateAt: (i: number) => number = () => 0;
  private header = 0;
  private width = -1;
  private readonly byWidth = new Map<number, Map<number, number>>();
  private heights = new Map<number, number>();
  // By index, kept in step with the items so a pass costs O(rows drawn), not O(rows): the row keys,
  // the height the layout uses for each row (measured at this width, at another, or estimated), and
  // the rows' tops, valid below `staleFrom`.
  private keys = new Float64Array(1);
  private rowHeights = new Float64Array(1);
  private tops = new Float64Array(1);
  private staleFrom = 0;
  private viewportHeight = 0;
  /** where the list is scrolled to, as last applied or reported */
  scrollTop = 0;
  follow: boolean;
  private anchor: { key: number; offset: number } | null = null;

  constructor(
    follow: boolean,
    private readonly overscanPx = 800,
    private readonly bottomSlackPx = 24,
  ) {
    this.follow = follow;
  }

  /**
   * Items appended or replaced; keys must increase along the list. Rows before `changedFrom` are the
   * same as at the last call (an append passes the old count), so only the rest are read again.
   */
  setItems(count: number, keyAt: (i: number) => number, estimateAt: (i: number) => number, header: number, changedFrom = 0): void {
    const from = Math.max(0, Math.min(changedFrom, this.count, count));
    this.estimateAt = estimateAt;
    if (header !== this.header) {
      this.header = header;
      this.staleFrom = 0;
    }
    if (from === count && count === this.count) return;
    if (this.keys.length < count + 1) {
      const size = Math.max(count + 1, this.keys.length * 2);
      this.keys = grow(this.keys, size);
      this.rowHeights = grow(this.rowHeights, size);
      this.tops = grow(this.tops, size);
    }
    this.count = count;
    for (let i = from; i < count; i++) this.keys[i] = keyAt(i);
    this.refreshHeights(from);
  }

  /** The viewport's size; true when it changed. */
  setViewport(height: number, width: number): boolean {
    const w = Math.round(width);
    const changed = height !== this.viewportHeight || w !== this.width;
    this.viewportHeight = height;
    if (w !== this.width) {
      this.width = w;
      const kept = this.byWidth.get(w) ?? new Map<number, number>();
      this.byWidth.delete(w);
      this.byWidth.set(w, kept);
      while (this.byWidth.size > KEPT_WIDTHS) this.byWidth.delete(this.byWidth.keys().next().value as number);
      this.heights = kept;
      this.refreshHeights(0);
    }
    return changed;
  }

  /** A drawn row's height at the current width; true when it differs from what the layout used. */
  measure(key: number, height: number): boolean {
    if (this.heights.get(key) === height) return false;
    this.heights.set(key, height);
    const i = this.indexOfKey(key);
    if (i < this.count && this.keys[i] === key && this.rowHeights[i] !== height) {
      this.rowHeights[i] = height;
      this.staleFrom = Math.min(this.staleFrom, i + 1);
    }
    return true;
  }

  total(): number {
    return this.offsets()[this.count];
  }

  top(i: number): number {
    return this.offsets()[i];
  }

  /** The rows to draw: those within the viewport and the overscan around it. */
  range(): Range {
    const tops = this.offsets();
    const from = this.scrollTop - this.overscanPx;
    const to = this.scrollTop + this.viewportHeight + this.overscanPx;
    const first = Math.max(0, this.indexAt(from));
    let last = first;
    while (last < this.count && tops[last] < to) last++;
    return { first, last };
  }

  /** Where the list should be scrolled to: the bottom in follow mode, else where the anchor row stays put. */
  targetScrollTop(): number {
    const max = Math.max(0, this.total() - this.viewportHeight);
    if (this.follow) return max;
    if (!this.anchor || this.count === 0) return Math.min(max, Math.max(0, this.scrollTop));
    const i = Math.min(this.count - 1, this.indexOfKey(this.anchor.key));
    return Math.min(max, Math.max(0, this.top(i) - this.anchor.offset));
  }

  /**
   * One layout pass after the rows of `drawn` were rendered and measured. Returns the scroll position
   * to apply and whether to render again.
   */
  pass(drawn: Range, measured: Iterable<{ key: number; height: number }>): PassResult {
    let changed = false;
    for (const m of measured) changed = this.measure(m.key, m.height) || changed;
    const target = this.targetScrollTop();
    const scrollTop = Math.abs(target - this.scrollTop) >= 1 ? target : null;
    if (scrollTop !== null) this.scrollTop = target;
    if (!this.follow && scrollTop === null) this.rememberAnchor();
    const next = this.range();
    return { scrollTop, rerender: changed || next.first !== drawn.first || next.last !== drawn.last };
  }

  /** The reader scrolled: the anchor moves with them, and follow mode is on exactly at the bottom. */
  scrolled(scrollTop: number): boolean {
    this.scrollTop = scrollTop;
    this.follow = this.total() - scrollTop - this.viewportHeight <= this.bottomSlackPx;
    this.rememberAnchor();
    return this.follow;
  }

  /**
   * Puts item `i` at the top of the viewport and leaves follow mode; a row already wholly in view stays
   * where it is (and follow mode with it). Returns whether the list moves.
   */
  scrollToIndex(i: number): boolean {
    if (this.count === 0) return false;
    const index = Math.min(this.count - 1, Math.max(0, Math.floor(i)));
    const top = this.top(index);
    if (top >= this.scrollTop && top + this.rowHeights[index] <= this.scrollTop + this.viewportHeight) return false;
    this.follow = false;
    this.anchor = { key: this.keys[index], offset: 0 };
    return true;
  }

  private rememberAnchor(): void {
    if (this.count === 0) return;
    const i = Math.min(this.count - 1, Math.max(0, this.indexAt(this.scrollTop)));
    this.anchor = { key: this.keys[i], offset: this.top(i) - this.scrollTop };
  }

  /** The heights of rows `from`… as the layout knows them at this width. */
  private refreshHeights(from: number): void {
    const others = [...this.byWidth.values()].filter((m) => m !== this.heights);
    for (let i = from; i < this.count; i++) {
      const key = this.keys[i];
      let h = this.heights.get(key);
      // a width not measured yet: the same row at another width is a better guess than the estimate
      for (let w = 0; h === undefined && w < others.length; w++) h = others[w].get(key);
      this.rowHeights[i] = h ?? this.estimateAt(i);
    }
    this.staleFrom = Math.min(this.staleFrom, from);
  }

  private offsets(): Float64Array {
    if (this.staleFrom > this.count) return this.tops;
    const tops = this.tops;
    const heights = this.rowHeights;
    let i = this.staleFrom;
    let y = i === 0 ? this.header : tops[i - 1] + heights[i - 1];
    for (; i < this.count; i++) {
      tops[i] = y;
      y += heights[i];
    }
    tops[this.count] = y;
    this.staleFrom = this.count + 1;
    return tops;
  }

  /** The index of the row at offset y (the last row whose top is ≤ y). */
  private indexAt(y: number): number {
    const tops = this.offsets();
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tops[mid] > y) hi = mid;
      else lo = mid + 1;
    }
    return lo - 1;
  }

  /** The first index whose key is ≥ key (keys increase along the list). */
  private indexOfKey(key: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function grow(a: Float64Array<ArrayBuffer>, size: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(size);
  b.set(a);
  return b;
}
