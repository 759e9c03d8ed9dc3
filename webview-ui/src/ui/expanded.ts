import { createContext } from 'preact';
import { useContext, useEffect, useReducer } from 'preact/hooks';

// Which collapsibles the reader opened. Rows unmount when scrolled out of view (the list is
// virtualised), so the state lives here, per viewer, instead of in the rows. Search opens the
// collapsible that holds a hit (`open`); the row showing it redraws through its subscription.
export class ExpandedState {
  private readonly opened = new Set<string>();
  private readonly listeners = new Map<string, Set<() => void>>();

  has(id: string): boolean {
    return this.opened.has(id);
  }

  toggle(id: string): void {
    if (!this.opened.delete(id)) this.opened.add(id);
    this.notify(id);
  }

  open(id: string): void {
    if (this.opened.has(id)) return;
    this.opened.add(id);
    this.notify(id);
  }

  subscribe(id: string, listener: () => void): () => void {
    const set = this.listeners.get(id) ?? new Set();
    this.listeners.set(id, set.add(listener));
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }

  private notify(id: string): void {
    for (const l of this.listeners.get(id) ?? []) l();
  }
}

export const Expanded = createContext(new ExpandedState());

export function useExpanded(id: string): [boolean, () => void] {
  const state = useContext(Expanded);
  const [, force] = useReducer((n: number) => n + 1, 0);
  useEffect(() => state.subscribe(id, () => force(undefined)), [state, id]);
  return [state.has(id), () => state.toggle(id)];
}
