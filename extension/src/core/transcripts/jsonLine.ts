import { isRecord } from '../../../../protocol/src';

/** A line's JSON object, or undefined for anything else (blank, malformed, not an object). */
export function parseObject(line: string): Record<string, unknown> | undefined {
  if (!line) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A cheap test for a JSON object line: `{` … `}`. Claude Code writes one compact object per line,
 *  so this fails only for damaged lines (or padding Claude Code never writes, such as a CR). */
export function looksLikeJsonObject(raw: string): boolean {
  return raw.charCodeAt(0) === 0x7b && raw.charCodeAt(raw.length - 1) === 0x7d;
}
