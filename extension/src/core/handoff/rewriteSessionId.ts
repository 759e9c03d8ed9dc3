// Taking a shared session "as new" gives it a fresh id. Claude Code stores the id in the file name
// and in the top-level `sessionId` of each line; every other byte of a line must stay as it was
// (key order, escapes, number spellings, unknown fields), so lines are never re-serialised: the
// value of each top-level `sessionId` is located in the raw text and replaced in place.

type Span = { start: number; end: number };

/** Replaces the value of every top-level `"sessionId": "<from>"` in one JSONL line with `to`.
 *  Lines that are not JSON objects, and `sessionId`s of other sessions, are returned unchanged. */
export function rewriteLineSessionId(line: string, from: string, to: string): string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return line;
  let out = '';
  let at = 0;
  for (const { start, end } of topLevelValues(line, 'sessionId')) {
    if (line[start] !== '"' || JSON.parse(line.slice(start, end)) !== from) continue;
    out += line.slice(at, start) + JSON.stringify(to);
    at = end;
  }
  return at === 0 ? line : out + line.slice(at);
}

/** Spans of the values of `key` among the members of the top-level object. Expects valid JSON. */
function topLevelValues(json: string, key: string): Span[] {
  const spans: Span[] = [];
  let i = skipSpace(json, 0) + 1; // past '{'
  for (;;) {
    i = skipSpace(json, i);
    if (json[i] === '}') return spans;
    const keyEnd = skipString(json, i);
    const name = JSON.parse(json.slice(i, keyEnd)) as string;
    const start = skipSpace(json, skipSpace(json, keyEnd) + 1); // past ':'
    const end = skipValue(json, start);
    if (name === key) spans.push({ start, end });
    i = skipSpace(json, end);
    if (json[i] === ',') i++;
  }
}

function skipSpace(s: string, i: number): number {
  while (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r') i++;
  return i;
}

/** `i` is at an opening quote; returns the index just past the closing one. */
function skipString(s: string, i: number): number {
  for (i++; s[i] !== '"'; i++) if (s[i] === '\\') i++;
  return i + 1;
}

function skipValue(s: string, i: number): number {
  if (s[i] === '"') return skipString(s, i);
  if (s[i] !== '{' && s[i] !== '[') {
    while (i < s.length && !',}] \t\n\r'.includes(s[i])) i++;
    return i;
  }
  let depth = 0;
  for (;;) {
    const c = s[i];
    if (c === '"') {
      i = skipString(s, i);
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    i++;
    if (depth === 0) return i;
  }
}
