import type { Item, Part, ToolCall, ToolView } from './items';

// Search over the display items, not the DOM: the list is virtualised, so most rows (and every
// collapsed tool output) are not in the page. Each item's searchable text is a list of fields; a
// field hidden behind a collapsible names that collapsible's id (the ids the row renderers give
// `useExpanded`), so going to a hit can open it.

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
    case 'reminder':
      return []; // Claude Code's own notes to itself, shown only with the details
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

/** What ToolCallView draws: `Name(label)`, the input parts the label does not already show, the result. */
function toolFields(call: ToolCall, id: string): SearchField[] {
  const head = { text: `${call.name} ${call.label}` };
  const result = call.result ? [{ text: call.result.text, expand: `${id}:r` }] : [];
  return [head, ...viewFields(call.view, call.label, id), ...result];
}

function viewFields(view: ToolView, label: string, id: string): SearchField[] {
  switch (view.kind) {
    case 'command':
      return [{ text: view.description ?? '' }, ...(view.command.includes('\n') || view.command.length > label.length ? [{ text: view.command, expand: `${id}:cmd` }] : [])];
    case 'diff':
      return [{ text: view.hunks.map((h) => h.map((l) => l.text).join('\n')).join('\n'), expand: `${id}:diff` }];
    case 'summary':
      return view.text === label ? [] : [{ text: view.text }];
    case 'todos':
      return [{ text: view.todos.map((t) => t.text).join('\n') }];
    case 'agent':
      return [{ text: view.agentType }, { text: view.prompt, expand: `${id}:prompt` }];
    case 'json':
      return [{ text: view.json, expand: `${id}:in` }];
  }
}

/** Every occurrence of `query` (case-insensitive) in `items`, in list order, at most `limit`. A
 *  case-insensitive regex over each field as it is: no lower-cased copy of a 50 MB session is made. */
export function searchItems(items: readonly Item[], query: string, limit = MAX_HITS): SearchResult {
  const needle = query.slice(0, MAX_QUERY_CHARS);
  const hits: SearchHit[] = [];
  if (!needle) return { hits, capped: false };
  const pattern = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    let nth = 0;
    for (const field of searchFields(item)) {
      if (!field.text) continue;
      pattern.lastIndex = 0;
      while (pattern.exec(field.text)) {
        if (hits.length === limit) return { hits, capped: true };
        hits.push({ index, key: item.key, nth: nth++, expand: field.expand });
      }
    }
  }
  return { hits, capped: false };
}
