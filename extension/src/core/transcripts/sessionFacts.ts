import { isRecord, titleText } from '../../../../protocol/src';
import { looksLikeJsonObject, parseObject } from './jsonLine';

// What a session's lines say about it: ids, cwd, versions, times, and its title. The catalog feeds it
// the lines it parses (head, tail, metadata lines); the publisher feeds it every batch it publishes.

export type TitleSource = 'custom' | 'ai' | 'summary' | 'prompt' | 'history' | 'subagent';

const TITLE_MAX = 120;
/** Metadata lines start with their type (Claude Code writes it first) and are short. */
export const META_PREFIXES = ['{"type":"custom-title"', '{"type":"ai-title"', '{"type":"summary"'];
export const META_MAX = 1024;
/** the first prompt is looked for in this many lines from the top of the file */
const PROMPT_SEARCH_LINES = 1000;
/** cwd, branch, version and the latest time come from up to this many last lines of a batch */
const TAIL_LINES = 16;
/** lines longer than this are not parsed for the tail facts (tool results, images) */
const TAIL_PARSE_MAX = 64 * 1024;
/** nor for the first prompt beyond this (a prompt with pasted images reaches a few MB) */
const PROMPT_PARSE_MAX = 8 * 1024 * 1024;

export class SessionFacts {
  sessionId: string | undefined;
  cwd: string | undefined;
  gitBranch: string | undefined;
  version: string | undefined;
  entrypoint: string | undefined;
  firstTimestamp: number | undefined;
  lastTimestamp: number | undefined;
  private customTitle: string | undefined;
  private aiTitle: string | undefined;
  private summary: string | undefined;
  private prompt: string | undefined;

  /** Whether the first human prompt was seen (the catalog stops parsing head lines once it was). */
  get hasPrompt(): boolean {
    return this.prompt !== undefined;
  }

  /**
   * Records a batch of raw lines (the file's lines `firstLine`, `firstLine + 1`, …) and returns the
   * indexes (into `lines`) of those that are not JSON objects. Every line gets a shape check
   * (`{` … `}`, which Claude Code's compact lines always pass; a line that fails it is reported
   * without parsing); only lines that can still tell us something are JSON-parsed: metadata lines,
   * lines near the top until the first prompt, and the last few lines of the batch (cwd, branch,
   * version, time). Parsing every line would double the cost of ingesting a big transcript; a live
   * append is a batch of one line, so live lines are always parsed.
   */
  observeLines(lines: readonly string[], firstLine: number): number[] {
    const bad: number[] = [];
    const tailFrom = lines.length - TAIL_LINES;
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i];
      if (!looksLikeJsonObject(raw)) {
        bad.push(i);
        continue;
      }
      const wanted =
        (i >= tailFrom && raw.length <= TAIL_PARSE_MAX) ||
        (this.prompt === undefined && firstLine + i < PROMPT_SEARCH_LINES && raw.length <= PROMPT_PARSE_MAX) ||
        (this.firstTimestamp === undefined && raw.length <= TAIL_PARSE_MAX) ||
        (raw.length <= META_MAX && META_PREFIXES.some((p) => raw.startsWith(p)));
      if (!wanted) continue;
      const entry = parseObject(raw);
      if (entry) this.observe(entry);
      else bad.push(i);
    }
    return bad;
  }

  /** Records one parsed line. Later lines win for cwd/branch/version/titles; timestamps widen a range. */
  observe(entry: Record<string, unknown>): void {
    const text = (key: string): string | undefined => (typeof entry[key] === 'string' && entry[key] !== '' ? (entry[key] as string) : undefined);
    this.sessionId ??= text('sessionId');
    this.cwd = text('cwd') ?? this.cwd;
    this.gitBranch = text('gitBranch') ?? this.gitBranch;
    this.version = text('version') ?? this.version;
    this.entrypoint = text('entrypoint') ?? this.entrypoint;
    const ts = text('timestamp');
    const ms = ts === undefined ? NaN : Date.parse(ts);
    if (!Number.isNaN(ms)) {
      this.firstTimestamp = Math.min(this.firstTimestamp ?? ms, ms);
      this.lastTimestamp = Math.max(this.lastTimestamp ?? ms, ms);
    }
    switch (entry.type) {
      case 'custom-title':
        this.customTitle = text('customTitle') ?? this.customTitle;
        break;
      case 'ai-title':
        this.aiTitle = text('aiTitle') ?? this.aiTitle;
        break;
      case 'summary':
        this.summary = text('summary') ?? this.summary;
        break;
      case 'user':
        this.prompt ??= promptText(entry);
        break;
    }
  }

  /** custom title (/rename) > AI title > summary > first human prompt. */
  title(): { title: string; source: TitleSource } | undefined {
    const pick = (title: string | undefined, source: TitleSource) => (title ? { title: clip(title), source } : undefined);
    return pick(this.customTitle, 'custom') ?? pick(this.aiTitle, 'ai') ?? pick(this.summary, 'summary') ?? pick(this.prompt, 'prompt');
  }
}

/**
 * The text a person typed, or undefined for lines Claude Code wrote as `user`: meta lines (caveats,
 * skill text), tool results, compaction summaries, subagent traffic, slash commands and their output,
 * task notifications, interruptions (protocol's titleText sorts the markup).
 */
export function promptText(entry: Record<string, unknown>): string | undefined {
  if (entry.isMeta || entry.isSidechain || entry.isCompactSummary || entry.isVisibleInTranscriptOnly || entry.toolUseResult !== undefined) return undefined;
  const content = isRecord(entry.message) ? entry.message.content : undefined;
  let text: string | undefined;
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    if (content.some((b) => isRecord(b) && b.type === 'tool_result')) return undefined;
    const block = content.find((b) => isRecord(b) && b.type === 'text' && typeof b.text === 'string' && !b.text.trimStart().startsWith('<system-reminder>'));
    text = block?.text as string | undefined;
  }
  return text === undefined ? undefined : titleText(text);
}

function oneLine(s: string): string | undefined {
  const t = s.replace(/\s+/g, ' ').trim();
  return t || undefined;
}

function clip(s: string): string {
  const t = oneLine(s) ?? s;
  return t.length > TITLE_MAX ? `${t.slice(0, TITLE_MAX - 1)}…` : t;
}
