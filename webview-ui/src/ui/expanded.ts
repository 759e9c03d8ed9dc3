import { createContext } from 'preact';
import { useContext, useReducer } from 'preact/hooks';

// Which collapsibles the reader opened. Rows unmount when scrolled out of view (the list is
// virtualised), so the state lives here, per viewer, instead of in the rows.
export class ExpandedState {
  private readonly open = new Set<string>();

  has(id: string): boolean {
    return this.open.has(id);
  }

  toggle(id: string): void {
    if (!this.open.delete(id)) this.open.add(id);
  }
}

export const Expanded = createContext(new ExpandedState());

export function useExpanded(id: string): [boolean, () => void] {
  const state = useContext(Expanded);
  const [, force] = useReducer((n: number) => n + 1, 0);
  return [
    state.has(id),
    () => {
      state.toggle(id);
      force(undefined);
    },
  ];
}
