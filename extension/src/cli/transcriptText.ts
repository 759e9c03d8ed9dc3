import { classifyUserMarkup, contentBlocks, parseLine, splitReminders, visibleText, type ContentBlock } from '../../../protocol/src';

// `tandem open` without --raw: the transcript as a person reads it in a terminal. One raw line
// gives zero or more text lines; what carries nothing to read (snapshots, metadata) gives none.

const MAX_RESULT_LINES = 4;

export function readableLine(raw: string): string[] {
  const parsed = parseLine(raw);
  if (!parsed.ok) return [`(unreadable line: ${parsed.error})`];
  const e = parsed.entry as Record<string, unknown> & { type: string };
  const message = (e.message ?? {}) as { content?: unknown };
  switch (e.type) {
    case 'user':
      if (e.isMeta || e.isSidechain) return [];
      return contentBlocks(message.content).flatMap((b) => userBlock(b, Boolean(e.isCompactSummary)));
    case 'assistant':
      if (e.isSidechain) return [];
      return contentBlocks(message.content).flatMap(assistantBlock);
    case 'system':
      return systemLine(e);
    case 'summary':
      return typeof e.summary === 'string' ? [`# ${clean(e.summary)}`] : [];
    case 'custom-title':
    case 'ai-title': {
      const title = e.customTitle ?? e.aiTitle;
      return typeof title === 'string' ? [`# ${clean(title)}`] : [];
    }
    default:
      return [];
  }
}

function userBlock(b: ContentBlock, compactSummary: boolean): string[] {
  if (b.kind === 'text') return compactSummary ? ['(summary of the earlier conversation)'] : userText(b.text);
  if (b.kind === 'tool_result') {
    const text = typeof b.content === 'string' ? b.content : (b.content ?? []).map((c) => (typeof c.text === 'string' ? c.text : `[${c.type}]`)).join('\n');
    return resultLines(splitReminders(text).text, b.is_error === true);
  }
  if (b.kind === 'image') return ['› [image]'];
  return [];
}

/** A user text as what it is (protocol's userMarkup): a prompt, a slash command and its output, a notice. */
function userText(text: string): string[] {
  const m = classifyUserMarkup(text);
  switch (m.kind) {
    case 'prompt':
      return m.text ? prefixed('› ', m.text) : [];
    case 'command':
      return [`› ${clean(m.command)}`];
    case 'shell':
      return [`› ! ${clean(m.command)}`];
    case 'output': {
      const out = [m.stdout, m.stderr].filter(Boolean).join('\n');
      return out ? resultLines(out, m.stdout === '') : [];
    }
    case 'task':
      return [`⏺ Background task ${clean(m.status || 'finished')}: ${clean(m.summary)}`];
    case 'interrupt':
      return [`  ⎿ Interrupted by user${m.toolUse ? ' (the tool was not run)' : ''}`];
    case 'reminder':
    case 'caveat':
      return [];
  }
}

function resultLines(text: string, isError: boolean): string[] {
  const lines = clean(text).split('\n');
  const shown = lines.slice(0, MAX_RESULT_LINES).map((l, i) => `${i === 0 ? '  ⎿ ' : '    '}${l}`);
  if (lines.length > MAX_RESULT_LINES) shown.push(`    … ${lines.length - MAX_RESULT_LINES} more lines`);
  if (isError) shown[0] += ' (error)';
  return shown;
}

function assistantBlock(b: ContentBlock): string[] {
  switch (b.kind) {
    case 'text':
      return prefixed('⏺ ', b.text);
    case 'thinking':
      return b.thinking ? ['✻ (thinking)'] : [];
    case 'tool_use':
      return [`⏺ ${b.name}(${toolSummary(b.input)})`];
    default:
      return [];
  }
}

function systemLine(e: Record<string, unknown>): string[] {
  switch (e.subtype) {
    case 'compact_boundary':
      return ['── conversation compacted ──'];
    case 'api_error':
      return ['⚠ API error (Claude Code retried)'];
    case 'turn_duration':
      return typeof e.durationMs === 'number' ? [`  (turn took ${(e.durationMs / 1000).toFixed(1)} s)`] : [];
    case 'local_command':
      return typeof e.content === 'string' ? userText(e.content) : [];
    default:
      return typeof e.content === 'string' && e.level !== 'debug' ? [`· ${clean(e.content).split('\n')[0]}`] : [];
  }
}

function toolSummary(input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const i = input as Record<string, unknown>;
  const first = i.command ?? i.file_path ?? i.pattern ?? i.path ?? i.url ?? i.description ?? i.prompt;
  const text = typeof first === 'string' ? first : JSON.stringify(input);
  return clean(text).split('\n')[0].slice(0, 120);
}

function prefixed(prefix: string, text: string): string[] {
  return clean(text)
    .trim()
    .split('\n')
    .map((l, i) => (i === 0 ? prefix : ' '.repeat(prefix.length)) + l);
}

/** Transcript text comes from tools and web pages: no terminal escape sequences reach the screen. */
function clean(text: string): string {
  return visibleText(text.replace(/\r\n/g, '\n').replace(/\t/g, '  '));
}
