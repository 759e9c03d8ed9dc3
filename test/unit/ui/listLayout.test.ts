import assert from 'node:assert/strict';
import { ListLayout, type Range } from '../../../webview-ui/src/ui/listLayout';
import { seededRandom } from '../../../bench/harness/syntheticTranscript';

// The virtualised list's layout driven the way VirtualList drives it, against a simulated browser:
// rows whose real height depends on their text and the list width (text wraps), estimates that are
// far off, a scroll position the browser clamps to the spacer. Random sessions, widths, appends,
// resizes and reader scrolls; after each step the layout must settle within a few passes and be
// where it must be (at the bottom in follow mode, the anchor row unmoved otherwise).

const MAX_PASSES = 12;

type Row = { key: number; chars: number; estimate: number };

class SimulatedList {
  rows: Row[] = [];
  width = 800;
  height = 800;
  scrollTop = 0;
  readonly layout: ListLayout;
  worst = 0;
  private seen: { rows: Row[] | null; count: number } = { rows: null, count: 0 };

  constructor(
    private readonly rnd: () => number,
    follow: boolean,
  ) {
    this.layout = new ListLayout(follow, 800, 24);
  }

  /** A row's real height at the current width: wrapped text lines plus padding. */
  realHeight(row: Row): number {
    const perLine = Math.max(1, Math.floor((this.width - 40) / 8));
    return 24 + 22 * Math.ceil(Math.max(1, row.chars) / perLine);
  }

  append(n: number): void {
    let key = this.rows.length ? this.rows[this.rows.length - 1].key : -1;
    for (let i = 0; i < n; i++) {
      key += 1 + Math.floor(this.rnd() * 4);
      const chars = this.rnd() < 0.1 ? Math.floor(this.rnd() * 20_000) : Math.floor(this.rnd() * 600);
      this.rows.push({ key, chars, estimate: 20 + Math.floor(this.rnd() * 400) });
    }
  }

  /** Render + layout passes until the layout asks for no more; returns the passes it took. Like
   *  VirtualList, an append to the same array tells the layout which rows are new. */
  settle(): number {
    for (let pass = 1; pass <= 1000; pass++) {
      const rows = this.rows;
      const changedFrom = rows === this.seen.rows ? this.seen.count : 0;
      this.seen = { rows, count: rows.length };
      this.layout.setItems(
        rows.length,
        (i) => rows[i].key,
        (i) => rows[i].estimate,
        0,
        changedFrom,
      );
      const drawn: Range = this.layout.range();
      this.layout.setViewport(this.height, this.width);
      const measured = rows.slice(drawn.first, drawn.last).map((r) => ({ key: r.key, height: this.realHeight(r) }));
      const result = this.layout.pass(drawn, measured);
      if (result.scrollTop !== null) {
        // the browser clamps to the spacer, whose height the pass has just set to the layout's total
        this.scrollTop = Math.min(Math.max(0, this.layout.total() - this.height), Math.max(0, result.scrollTop));
        this.layout.scrollTop = this.scrollTop;
      }
      if (!result.rerender) {
        this.worst = Math.max(this.worst, pass);
        this.assertSameAsFullRead();
        return pass;
      }
    }
    throw new Error('the layout never settled');
  }

  /** The reader scrolls to y (the browser clamps it), as the scroll event reports it. */
  scrollTo(y: number): void {
    this.scrollTop = Math.min(Math.max(0, this.layout.total() - this.height), Math.max(0, y));
    this.layout.scrolled(this.scrollTop);
  }

  /** The row at the top of the viewport and its offset from the viewport top. */
  topRow(): { key: number; offset: number } | null {
    for (let i = 0; i < this.rows.length; i++) {
      if (this.layout.top(i + 1) > this.scrollTop) return { key: this.rows[i].key, offset: this.layout.top(i) - this.scrollTop };
    }
    return null;
  }

  /** The layout kept up incrementally lays out every row where reading every row again would. */
  assertSameAsFullRead(): void {
    const tops = Array.from({ length: this.rows.length + 1 }, (_, i) => this.layout.top(i));
    const rows = this.rows;
    this.layout.setItems(rows.length, (i) => rows[i].key, (i) => rows[i].estimate, 0, 0);
    assert.deepEqual(tops, Array.from({ length: rows.length + 1 }, (_, i) => this.layout.top(i)), 'incremental tops equal a full read');
  }

  assertDrawnRowsMeasured(): void {
    const { first, last } = this.layout.range();
    for (let i = first; i < last; i++) assert.equal(this.layout.top(i + 1) - this.layout.top(i), this.realHeight(this.rows[i]), `row ${i} is laid out at its real height`);
  }
}

describe('ui list layout: settles at every width (property test)', () => {
  it('in follow mode stays at the bottom through random appends and resizes, settling within a bounded number of passes', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = seededRandom(seed);
      const list = new SimulatedList(rnd, true);
      list.width = 300 + Math.floor(rnd() * 1200);
      list.height = 300 + Math.floor(rnd() * 700);
      list.append(Math.floor(rnd() * 400));
      for (let step = 0; step < 40; step++) {
        const op = rnd();
        if (op < 0.5) list.append(1 + Math.floor(rnd() * (rnd() < 0.05 ? 1000 : 5)));
        else if (op < 0.8) list.width = 300 + Math.floor(rnd() * 1200);
        else list.height = 300 + Math.floor(rnd() * 700);
        const passes = list.settle();
        assert.ok(passes <= MAX_PASSES, `seed ${seed} step ${step}: settled after ${passes} passes (at most ${MAX_PASSES})`);
        assert.ok(list.layout.follow, 'still following');
        assert.equal(list.scrollTop, Math.max(0, list.layout.total() - list.height), `seed ${seed} step ${step}: pinned to the bottom`);
        if (list.rows.length) assert.equal(list.layout.range().last, list.rows.length, 'the last row is drawn');
        list.assertDrawnRowsMeasured();
        assert.equal(list.settle(), 1, 'a settled layout asks for nothing more');
      }
    }
  });

  it('scrolled up, keeps the row being read in place through appends, measurements and swaps, and settles', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = seededRandom(1000 + seed);
      const list = new SimulatedList(rnd, true);
      list.width = 300 + Math.floor(rnd() * 1200);
      list.append(50 + Math.floor(rnd() * 400));
      list.settle();
      for (let step = 0; step < 30; step++) {
        list.scrollTo(rnd() * Math.max(0, list.layout.total() - list.height - 200));
        list.settle();
        if (list.layout.follow) continue;
        const before = list.topRow();
        const op = rnd();
        if (op < 0.6) list.append(1 + Math.floor(rnd() * 50));
        // the tail model replaced by the full one: same keys, new estimates
        else list.rows = list.rows.map((r) => ({ ...r, estimate: 20 + Math.floor(rnd() * 400) }));
        const passes = list.settle();
        assert.ok(passes <= MAX_PASSES, `seed ${seed} step ${step}: settled after ${passes} passes`);
        assert.deepEqual(list.topRow(), before, `seed ${seed} step ${step}: the row being read stays put`);
        list.assertDrawnRowsMeasured();
      }
    }
  });

  it('scrollToIndex puts the row at the top, leaves follow mode and settles', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rnd = seededRandom(5000 + seed);
      const list = new SimulatedList(rnd, true);
      list.width = 300 + Math.floor(rnd() * 1200);
      list.append(200 + Math.floor(rnd() * 400));
      list.settle();
      const i = Math.floor(rnd() * list.rows.length);
      const before = list.scrollTop;
      const moved = list.layout.scrollToIndex(i);
      assert.ok(list.settle() <= MAX_PASSES);
      if (!moved) {
        // a row already wholly in view: nothing moves and follow mode stays on
        assert.equal(list.layout.follow, true, `seed ${seed}`);
        assert.equal(list.scrollTop, before, `seed ${seed}`);
        assert.ok(list.layout.top(i) >= before && list.layout.top(i) <= before + list.height, `seed ${seed}: row ${i} was in view`);
        continue;
      }
      assert.equal(list.layout.follow, false);
      const max = Math.max(0, list.layout.total() - list.height);
      assert.equal(list.scrollTop, Math.min(max, list.layout.top(i)), `seed ${seed}: row ${i} at the top (or the list at its end)`);
    }
  });

  it('scrollToIndex to a row already in view keeps follow mode', () => {
    const list = new SimulatedList(seededRandom(77), true);
    list.width = 800;
    list.append(300);
    list.settle();
    assert.equal(list.layout.scrollToIndex(list.rows.length - 1), false);
    assert.equal(list.layout.follow, true);
    assert.equal(list.layout.scrollToIndex(0), true);
    assert.equal(list.layout.follow, false);
  });

  it('reuses the heights measured at a width when the list returns to it', () => {
    const list = new SimulatedList(seededRandom(7), true);
    list.append(300);
    list.width = 390;
    list.settle();
    const { first, last } = list.layout.range();
    list.width = 1280;
    list.settle();
    list.width = 390;
    list.layout.setViewport(list.height, 390);
    for (const row of list.rows.slice(first, last)) assert.equal(list.layout.measure(row.key, list.realHeight(row)), false, 'known at 390 px');
    assert.ok(list.settle() <= 2);
  });
});
