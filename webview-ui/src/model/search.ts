import type { Item, Part, ToolCall, ToolView } from './items';

// Search over the display items, not the DOM: the list is virtualised, so most rows (and every
// collapsed tool output) are not in the page. Each item's searchable text is a list of fields; a
// field hidden behind a collapsible names that collapsible's id (the ids the row renderers give
// `useExpanded`), so going to a hit can open it. Lower-cased fields are cached per item and rev.

export type SearchField = { text: string; /** the collapsible that shows this text, when collapsed by default */ expand?: string };

export type SearchHit = {
  /** index into the items searched */
  index: number;
  key: number;
  /** which occurrence within its item, counting from 0 */
  nth: number;
  expand?: string;
};

export type SearchResult = { hits: SearchHit[]; /** more hits exist than `limit` */ capped: boolean };

export const MAX_QUERY_CHARS = 500;
export const MAX_HITS = 10_000;

export function searchFields(item: Item): SearchField[] {
  switch (item.kind) {
    case 'prompt':
      return [{ text: item.text }];
    case 'command':
      return [{ text: item.command }, { text: item.output, expand: `${item.key}:out` }];
    case 'assistant':
      return item.parts.flatMap((part, i) => partFields(part, `${item.key}:${i}`));
    case 'result':
      return [{ text: item.result.text, expand: `${item.key}:r` }];
    case 'event':
      return [{ text: item.title }, { text: item.detail, expand: `${item.key}:d` }];
    case 'compaction':
      return [{ text: item.title }, { text: item.summary, expand: `${item.key}:s` }];
    case 'summary':
      return [{ text: item.text }];
    case 'raw':
      return [{ text: item.label }, { text: item.raw, expand: `${item.key}:raw` }];
  }
}

function partFields(part: Part, id: string): SearchField[] {
  switch (part.kind) {
    case 'text':
      return [{ text: part.text }];
    case 'thinking':
      return [{ text: part.text, expand: id }];
    case 'tool':
      return toolFields(part.call, id);
    case 'image':
      return [];
  }
}

function toolFields(call: ToolCall, id: string): SearchField[] {
  const head = { text: `${call.name} ${call.label}` };
  const result = call.result ? [{ text: call.result.text, expand: `${id}:r` }] : [];
  return [head, ...viewFields(call.view, id), ...result];
}

function viewFields(view: ToolView, id: string): SearchField[] {
  switch (view.kind) {
    case 'command':
      return [{ text: view.description ?? '' }, { text: view.command, expand: `${id}:cmd` }];
    case 'diff':
      return [{ text: view.path }, { text: view.hunks.map((h) => h.map((l) => l.text).join('\n')).join('\n'), expand: `${id}:diff` }];
    case 'summary':
      return [{ text: view.text }];
    case 'todos':
      return [{ text: view.todos.map((t) => t.text).join('\n') }];
    case 'agent':
      return [{ text: `${view.agentType} ${view.description}` }, { text: view.prompt, expand: `${id}:prompt` }];
    case 'json':
      return [{ text: view.json, expand: `${id}:in` }];
  }
}

type Folded = { rev: number; fields: { text: string; expand?: string }[] };
const folded = new WeakMap<Item, Folded>();

function foldedFields(item: Item): Folded['fields'] {
  const cached = folded.get(item);
  if (cached && cached.rev === item.rev) return cached.fields;
  const fields = searchFields(item)
    .filter((f) => f.text)
    .map((f) => ({ text: f.text.toLowerCase(), expand: f.expand }));
  folded.set(item, { rev: item.rev, fields });
  return fields;
}

/** Every occurrence of `query` (case-insensitive) in `items`, in list order, at most `limit`. */
export function searchItems(items: readonly Item[], query: string, limit = MAX_HITS): SearchResult {
  const needle = query.slice(0, MAX_QUERY_CHARS).toLowerCase();
  const hits: SearchHit[] = [];
  if (!needle) return { hits, capped: false };
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    let nth = 0;
    for (const field of foldedFields(item)) {
      for (let at = field.text.indexOf(needle); at !== -1; at = field.text.indexOf(needle, at + needle.length)) {
        if (hits.length === limit) return { hits, capped: true };
        hits.push({ index, key: item.key, nth: nth++, expand: field.expand });
      }
    }
  }
  return { hits, capped: false };
}
