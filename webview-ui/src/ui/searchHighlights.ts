// Paints search hits in the rows that are in the page with the CSS Custom Highlight API: ranges over
// the rows' own text nodes, so no markup is added to (or rebuilt in) rows Preact owns. The current
// hit is the `nth` occurrence in its row (counted in the row's text, clamped to what is drawn) and
// is scrolled into view once per navigation.

const ALL = 'tandem-search';
const CURRENT = 'tandem-search-current';

export type CurrentHit = { key: number; nth: number };

export function highlightsSupported(): boolean {
  return typeof CSS !== 'undefined' && 'highlights' in CSS && typeof Highlight !== 'undefined';
}

/** Highlights `query` in `list`'s rows; returns whether the current hit was drawn (and so scrolled to). */
export function paintHits(list: HTMLElement, query: string, current: CurrentHit | null, reveal: boolean): boolean {
  if (!highlightsSupported()) return false;
  const needle = query.toLowerCase();
  const all = new Highlight();
  const mine = new Highlight();
  let drawn: Range | null = null;
  if (needle) {
    for (const row of list.querySelectorAll<HTMLElement>('.vrow')) {
      const ranges = rangesIn(row, needle);
      for (const r of ranges) all.add(r);
      if (current && Number(row.dataset.key) === current.key && ranges.length) {
        drawn = ranges[Math.min(current.nth, ranges.length - 1)];
        mine.add(drawn);
      }
    }
  }
  CSS.highlights.set(ALL, all);
  CSS.highlights.set(CURRENT, mine);
  if (drawn && reveal) revealRange(list, drawn);
  return drawn !== null;
}

export function clearHits(): void {
  if (!highlightsSupported()) return;
  CSS.highlights.delete(ALL);
  CSS.highlights.delete(CURRENT);
}

function rangesIn(root: HTMLElement, needle: string): Range[] {
  const out: Range[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = (node.nodeValue ?? '').toLowerCase();
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + needle.length);
      out.push(range);
    }
  }
  return out;
}

function revealRange(list: HTMLElement, range: Range): void {
  const box = range.getBoundingClientRect();
  const view = list.getBoundingClientRect();
  if (box.top >= view.top + 40 && box.bottom <= view.bottom - 40) return;
  list.scrollTop += box.top - view.top - view.height / 3;
}
