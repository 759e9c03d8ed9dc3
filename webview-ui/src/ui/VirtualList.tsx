import type { ComponentChildren, Ref } from 'preact';
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useReducer, useRef } from 'preact/hooks';
import { ListLayout, type Range } from './listLayout';

// A virtualised list of variable-height rows: only rows near the viewport are in the DOM. The layout
// arithmetic lives in ListLayout (listLayout.ts); this component draws its range, measures the rows it
// drew after each render (and when a row resizes later), applies the scroll position the layout asks
// for and renders again only when the layout says so, at most MAX_PASSES_PER_FRAME times a frame.
// Row keys must increase along the list (they are line indexes), which lets the reader's place survive
// a swap of the whole item array.

export type VirtualListHandle = {
  /** scrolls item `index` (of `items`) to the top of the viewport and leaves follow mode, unless it is wholly in view already */
  scrollToIndex(index: number): void;
};

export type VirtualListProps<T extends object> = {
  /** appends push into the same array and bump `version`; any other change passes a new array */
  items: readonly T[];
  version: number;
  keyOf: (item: T) => number;
  estimate: (item: T) => number;
  renderRow: (item: T) => ComponentChildren;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  label: string;
  /** shown above the first row (e.g. "reading older messages…") */
  header?: ComponentChildren;
  handle?: Ref<VirtualListHandle>;
};

const OVERSCAN_PX = 800;
const BOTTOM_SLACK_PX = 24;
const HEADER_PX = 40;
/** passes beyond this in one frame wait for the next frame, so a layout that keeps moving never blocks */
const MAX_PASSES_PER_FRAME = 6;

export function VirtualList<T extends object>(props: VirtualListProps<T>) {
  const { items, keyOf, estimate } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const space = useRef<HTMLDivElement>(null);
  const layout = useMemo(() => new ListLayout(props.follow, OVERSCAN_PX, BOTTOM_SLACK_PX), []);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const drawn = useRef<Range>({ first: 0, last: 0 });
  const frame = useRef({ passes: 0, pending: 0, reset: 0 });
  const onFollowChange = useRef(props.onFollowChange);
  onFollowChange.current = props.onFollowChange;

  // A row's estimate is computed once (a row that changes later is measured when it is drawn).
  const estimates = useRef(new WeakMap<T, number>());
  const guess = useCallback(
    (item: T) => {
      let h = estimates.current.get(item);
      if (h === undefined) estimates.current.set(item, (h = estimate(item)));
      return h;
    },
    [estimate],
  );

  // an append (the same array, a new version) re-reads only the new rows; a new array, all of them
  const seen = useRef<{ items: readonly T[] | null; count: number; guess: typeof guess | null }>({ items: null, count: 0, guess: null });
  const changedFrom = seen.current.items === items && seen.current.guess === guess ? seen.current.count : 0;
  seen.current = { items, count: items.length, guess };
  layout.setItems(items.length, (i) => keyOf(items[i]), (i) => guess(items[i]), props.header ? HEADER_PX : 0, changedFrom);
  // the parent's follow flag wins when it changes ("Jump to latest"); between changes the layout's own
  // (set by the reader's scrolling, reported through onFollowChange) stands
  const followProp = useRef(props.follow);
  if (props.follow !== followProp.current) layout.follow = followProp.current = props.follow;
  const range = layout.range();
  drawn.current = range;

  /** Measures the drawn rows, applies the layout's scroll position, renders again if it must. */
  const runPass = useCallback(() => {
    const el = scroller.current;
    if (!el || !space.current) return;
    layout.setViewport(el.clientHeight, el.clientWidth);
    const rows = space.current.querySelectorAll<HTMLElement>(':scope > .vrow');
    const measured = Array.from(rows, (row) => ({ key: Number(row.dataset.key), height: row.getBoundingClientRect().height }));
    const result = layout.pass(drawn.current, measured);
    space.current.style.height = `${layout.total()}px`;
    if (result.scrollTop !== null) {
      el.scrollTop = result.scrollTop;
      layout.scrollTop = el.scrollTop;
    }
    el.dataset.layoutPasses = String(Number(el.dataset.layoutPasses ?? 0) + 1);
    if (!result.rerender) return;
    const f = frame.current;
    if (!f.reset) f.reset = requestAnimationFrame(() => ((f.reset = 0), (f.passes = 0)));
    if (++f.passes <= MAX_PASSES_PER_FRAME) return rerender(0);
    if (!f.pending) f.pending = requestAnimationFrame(() => ((f.pending = 0), rerender(0)));
  }, [layout]);

  // every commit is followed by a pass
  useLayoutEffect(runPass);

  // rows that change height later (a disclosure opened, an image decoded) and a resized viewport
  const observer = useMemo(() => new ResizeObserver(() => runPass()), [runPass]);
  useEffect(() => {
    if (scroller.current) observer.observe(scroller.current);
    return () => observer.disconnect();
  }, [observer]);
  const rowRef = useCallback(
    (el: HTMLElement | null) => {
      if (el) observer.observe(el);
    },
    [observer],
  );

  const onScroll = useCallback(() => {
    const el = scroller.current;
    // the scroll events of positions the layout set itself are not the reader's
    if (!el || Math.abs(el.scrollTop - layout.scrollTop) < 1) return;
    const before = layout.follow;
    const follow = layout.scrolled(el.scrollTop);
    if (follow !== before) onFollowChange.current(follow);
    const next = layout.range();
    if (next.first !== drawn.current.first || next.last !== drawn.current.last) rerender(0);
  }, [layout]);

  useImperativeHandle(
    props.handle ?? null,
    () => ({
      scrollToIndex(index: number) {
        if (!layout.scrollToIndex(index)) return;
        followProp.current = false;
        onFollowChange.current(false);
        runPass();
        rerender(0);
      },
    }),
    [layout, runPass],
  );

  const rows: ComponentChildren[] = [];
  for (let i = range.first; i < range.last; i++) {
    const item = items[i];
    const key = keyOf(item);
    rows.push(
      <div key={key} ref={rowRef} class="vrow" role="listitem" data-key={key} style={{ transform: `translateY(${layout.top(i)}px)` }}>
        {props.renderRow(item)}
      </div>,
    );
  }

  return (
    <div class="vlist" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label={props.label}>
      <div class="vspace" ref={space} role="list" style={{ height: `${layout.total()}px` }}>
        {props.header && <div class="vheader">{props.header}</div>}
        {rows}
      </div>
    </div>
  );
}
