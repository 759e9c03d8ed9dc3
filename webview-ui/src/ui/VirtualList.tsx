import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';

// A virtualised list of variable-height rows: only rows near the viewport are in the DOM. Heights
// start as estimates and are replaced by measurements (ResizeObserver); a row that changes height
// above the viewport moves the scroll position by the same amount, so the text being read stays
// put. Follow mode sticks to the tail while new rows arrive. Row keys must increase along the list
// (they are line indexes), which lets the reader's place survive a swap of the whole item array.

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
  /** filled with the list's commands while it is mounted */
  handle?: { current: VirtualListHandle | null };
};

export type VirtualListHandle = { scrollToIndex(index: number): void };

const OVERSCAN_PX = 800;
const BOTTOM_SLACK_PX = 24;
const HEADER_PX = 40;

export function VirtualList<T extends object>(props: VirtualListProps<T>) {
  const { items, keyOf, estimate } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<number, number>());
  const [measured, setMeasured] = useState(0);
  const [viewport, setViewport] = useState({ top: 0, height: 800 });
  const anchor = useRef<{ key: number; offset: number } | null>(null);
  const followRef = useRef(props.follow);
  followRef.current = props.follow;
  const headerPx = props.header ? HEADER_PX : 0;

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

  // tops[i] = offset of row i; recomputed whenever items or a measured height change (O(n), cheap)
  const tops = useMemo(() => {
    const out = new Float64Array(items.length + 1);
    let y = headerPx;
    for (let i = 0; i < items.length; i++) {
      out[i] = y;
      y += heights.current.get(keyOf(items[i])) ?? guess(items[i]);
    }
    out[items.length] = y;
    return out;
  }, [items, props.version, headerPx, measured, keyOf, guess]);

  const total = tops[items.length];
  const first = Math.max(0, upperBound(tops, viewport.top - OVERSCAN_PX, items.length) - 1);
  let last = first;
  while (last < items.length && tops[last] < viewport.top + viewport.height + OVERSCAN_PX) last++;

  const observer = useMemo(
    () =>
      new ResizeObserver((entries) => {
        const el = scroller.current;
        let shift = 0;
        let changed = false;
        for (const entry of entries) {
          const target = entry.target as HTMLElement;
          const key = Number(target.dataset.key);
          const h = Math.ceil(entry.borderBoxSize?.[0]?.blockSize ?? target.offsetHeight);
          const old = heights.current.get(key);
          if (old === h || !target.isConnected) continue;
          const top = Number(target.dataset.top);
          const before = old ?? Number(target.dataset.estimate);
          heights.current.set(key, h);
          changed = true;
          if (el && !followRef.current && top + before <= el.scrollTop) shift += h - before;
        }
        if (!changed) return;
        if (el && shift) el.scrollTop += shift;
        setMeasured((m) => m + 1);
      }),
    [],
  );
  useEffect(() => () => observer.disconnect(), [observer]);

  const rowRef = useCallback(
    (el: HTMLElement | null) => {
      if (el) observer.observe(el);
    },
    [observer],
  );

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    setViewport({ top: el.scrollTop, height: el.clientHeight });
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX;
    if (atBottom !== followRef.current) props.onFollowChange(atBottom);
  }, [props.onFollowChange]);

  // remember the first visible row, to find it again if the whole item array is replaced
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || items.length === 0) return;
    const i = Math.min(items.length - 1, Math.max(0, upperBound(tops, el.scrollTop, items.length) - 1));
    anchor.current = { key: keyOf(items[i]), offset: tops[i] - el.scrollTop };
  });

  const previousItems = useRef(items);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const swapped = previousItems.current !== items;
    previousItems.current = items;
    if (followRef.current) {
      el.scrollTop = el.scrollHeight;
    } else if (swapped && anchor.current) {
      const i = Math.min(items.length - 1, lowerBoundKey(items, keyOf, anchor.current.key));
      if (i >= 0) el.scrollTop = tops[i] - anchor.current.offset;
    }
    if (el.scrollTop !== viewport.top || el.clientHeight !== viewport.height) setViewport({ top: el.scrollTop, height: el.clientHeight });
  });

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const resize = new ResizeObserver(() => {
      setViewport({ top: el.scrollTop, height: el.clientHeight });
      if (followRef.current) el.scrollTop = el.scrollHeight;
    });
    resize.observe(el);
    return () => resize.disconnect();
  }, []);

  useEffect(() => {
    if (!props.handle) return;
    props.handle.current = {
      scrollToIndex(index) {
        const el = scroller.current;
        if (!el || index < 0 || index >= items.length) return;
        el.scrollTop = Math.max(0, tops[index] - 8);
        // a row the tail already shows keeps follow mode; any other leaves it, or the next line would scroll away
        if (el.scrollHeight - el.scrollTop - el.clientHeight > BOTTOM_SLACK_PX) {
          followRef.current = false;
          props.onFollowChange(false);
        }
        setViewport({ top: el.scrollTop, height: el.clientHeight });
      },
    };
  });

  const rows: ComponentChildren[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i];
    const key = keyOf(item);
    rows.push(
      <div
        key={key}
        ref={rowRef}
        class="vrow"
        role="listitem"
        data-key={key}
        data-top={tops[i]}
        data-estimate={guess(item)}
        style={{ transform: `translateY(${tops[i]}px)` }}
      >
        {props.renderRow(item)}
      </div>,
    );
  }

  return (
    <div class="vlist" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label={props.label}>
      <div class="vspace" role="list" style={{ height: `${total}px` }}>
        {props.header && <div class="vheader">{props.header}</div>}
        {rows}
      </div>
    </div>
  );
}

/** First index i in [0, n] with tops[i] > y. */
function upperBound(tops: Float64Array, y: number, n: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid] > y) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function lowerBoundKey<T>(items: readonly T[], keyOf: (t: T) => number, key: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(items[mid]) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
