import { useEffect, useState } from 'preact/hooks';
import './highlight.css';

// The syntax highlighter is loaded on first use (a separate chunk, ~100 KB): a session without code
// blocks or diffs never fetches it. Until it arrives code is shown plain; then the rows that asked redraw.

export type Highlighter = typeof import('./highlighter');

let loaded: Highlighter | null = null;
let loading: Promise<Highlighter> | null = null;

export function loadHighlighter(): Promise<Highlighter> {
  loading ??= import('./highlighter').then((h) => (loaded = h));
  return loading;
}

/** The highlighter once loaded (null until then); `wanted` false neither loads nor waits for it. */
export function useHighlighter(wanted = true): Highlighter | null {
  const [highlighter, set] = useState(loaded);
  useEffect(() => {
    if (!wanted || highlighter) return;
    let live = true;
    loadHighlighter().then(
      (h) => live && set(h),
      (err: unknown) => console.warn(`syntax highlighting is off: its script did not load (${String(err)})`),
    );
    return () => {
      live = false;
    };
  }, [wanted]);
  return highlighter;
}
