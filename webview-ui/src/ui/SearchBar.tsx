import { useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Item } from '../model/items';
import { MAX_HITS, MAX_QUERY_CHARS, searchItems, type SearchHit } from '../model/search';
import { Expanded } from './expanded';
import { clearHits, paintHits } from './searchHighlights';
import type { VirtualListHandle } from './VirtualList';
import './search.css';

// Find in the transcript. Ctrl/⌘+F opens it in both hosts (the browser's own find sees only the ~20
// rows in the page; VS Code's webview forwards the key to the workbench, which has no find widget for
// this view, and our listener still runs). Enter / F3 go to the next hit, Shift+Enter / Shift+F3 back,
// Esc closes. The search runs over the items (see model/search.ts); going to a hit opens the
// collapsible holding it and scrolls the list to its row.

export type SearchBarProps = {
  items: readonly Item[];
  version: number;
  list: { current: VirtualListHandle | null };
  /** the transcript element: the bar answers Ctrl+F only when it is the topmost transcript */
  root: { current: HTMLElement | null };
};

const TYPING_MS = 120;

export function SearchBar({ items, version, list, root }: SearchBarProps) {
  const expanded = useContext(Expanded);
  const input = useRef<HTMLInputElement>(null);
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(0);
  const reveal = useRef(false);

  useEffect(() => {
    const id = setTimeout(() => setQuery(typed), TYPING_MS);
    return () => clearTimeout(id);
  }, [typed]);

  const result = useMemo(() => (open ? searchItems(items, query) : { hits: [], capped: false }), [open, items, version, query]);
  const hit: SearchHit | undefined = result.hits[Math.min(current, result.hits.length - 1)];

  const go = (i: number) => {
    const n = result.hits.length;
    if (n === 0) return;
    const next = ((i % n) + n) % n;
    const target = result.hits[next];
    setCurrent(next);
    if (target.expand) expanded.open(target.expand);
    reveal.current = true;
    list.current?.scrollToIndex(target.index);
  };

  // a new query starts at its first hit
  useEffect(() => {
    if (query && result.hits.length) go(0);
    else setCurrent(0);
  }, [query]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const all = document.querySelectorAll('.transcript');
      if (all[all.length - 1] !== root.current) return;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        setOpen(true);
        requestAnimationFrame(() => input.current?.select());
      } else if (open && e.key === 'F3') {
        e.preventDefault();
        go(current + (e.shiftKey ? -1 : 1));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  // paint hits in the drawn rows whenever rows change (scrolling, new lines, a collapsible opening)
  useEffect(() => {
    const el = root.current?.querySelector<HTMLElement>('.vlist');
    if (!open || !el) return clearHits();
    let frame = 0;
    const paint = () => {
      frame = 0;
      const shown = paintHits(el, query, hit ? { key: hit.key, nth: hit.nth } : null, reveal.current);
      if (shown) reveal.current = false;
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(paint);
    };
    const observer = new MutationObserver(schedule);
    observer.observe(el, { childList: true, subtree: true, characterData: true });
    el.addEventListener('scroll', schedule, { passive: true });
    schedule();
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', schedule);
      cancelAnimationFrame(frame);
      clearHits();
    };
  }, [open, query, hit?.key, hit?.nth]);

  if (!open) return null;
  const n = result.hits.length;
  const count = !query ? '' : n === 0 ? 'No results' : `${Math.min(current, n - 1) + 1} of ${n}${result.capped ? '+' : ''}`;
  const close = () => {
    setOpen(false);
    setTyped('');
    setQuery('');
  };
  return (
    <div class="search-bar" role="search">
      <input
        ref={input}
        class="search-input"
        type="search"
        placeholder="Find in transcript"
        aria-label="Find in transcript"
        maxLength={MAX_QUERY_CHARS}
        value={typed}
        autoFocus
        onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            if (typed !== query) setQuery(typed);
            else go(current + (e.shiftKey ? -1 : 1));
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            close();
          }
        }}
      />
      <span class="search-count" role="status" aria-live="polite" title={result.capped ? `Showing the first ${MAX_HITS} hits` : undefined}>
        {count}
      </span>
      <button type="button" class="button ghost small" aria-label="Previous match (Shift+Enter)" disabled={n === 0} onClick={() => go(current - 1)}>
        ↑
      </button>
      <button type="button" class="button ghost small" aria-label="Next match (Enter)" disabled={n === 0} onClick={() => go(current + 1)}>
        ↓
      </button>
      <button type="button" class="button ghost small" aria-label="Close search (Esc)" onClick={close}>
        ✕
      </button>
    </div>
  );
}
