import { useRef } from 'preact/hooks';
import type { Item } from '../model/items';

// How many rows arrived since the reader scrolled up: rows whose key (a line index) is past the last
// row there was when follow mode ended. Keys survive the swap of the tail model for the full one.

export function useNewRowCount(items: readonly Item[], follow: boolean): number {
  const seen = useRef<number | null>(null);
  if (follow || items.length === 0) {
    seen.current = null;
    return 0;
  }
  seen.current ??= items[items.length - 1].key;
  return items.length - firstAfter(items, seen.current);
}

function firstAfter(items: readonly Item[], key: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].key <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
