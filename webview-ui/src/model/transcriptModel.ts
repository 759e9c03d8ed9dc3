import {
  classifyUserMarkup,
  contentBlocks,
  isRecord,
  splitReminders,
  titleText,
  parseLine,
  type AssistantEntry,
  type ContentBlock,
  type KnownEntry,
  type KnownEntryType,
  type SystemEntry,
  type ToolResultBlock,
  type UserEntry,
  type UserMarkup,
} from '../../../protocol/src';
import { safeImage } from './images';
import type { Item, ItemKind, Part, SafeImage, ToolCall, ToolResult } from './items';
import { describeTool } from './toolView';
import { durationText, eventTone, tokensText } from './format';

// The view model: raw JSONL lines in, display items out. Append-only and incremental: each line is
// parsed once, lines of one API message merge into one item through a message-id index, and a tool
// result finds its call through a tool-use-id index, so appending k lines costs O(k) however long the
// session is. A rewrite of published lines (the host bumped the epoch) is a new model.

/** `regrouped`: an item already shown was folded into another (a tool result that arrived before its
 *  call), so a filtered view must be rebuilt rather than appended to. */
export type ModelChange = { added: Item[]; changed: Item[]; regrouped: boolean };

export type SessionTitles = { custom?: string; ai?: string; summary?: string; firstPrompt?: string };

export type ModelOptions = {
  /** a subagent's own transcript is all sidechain; only inline sidechains in a main file are marked */
  markSidechains?: boolean;
  /** index of the first line this model is given, when it starts mid-file (the tail shown first) */
  firstLine?: number;
};

type Assistant = ItemOf<'assistant'>;
type Ctx = { index: number; raw: string; changes: ModelChange };
type Handlers = { [T in KnownEntryType]: (entry: Extract<KnownEntry, { type: T }>, ctx: Ctx) => void };

const DENIAL = /permission to use .* (?:has been )?denied|haven't granted it yet|doesn't want to proceed with this tool use|tool use was rejected/i;

export class TranscriptModel {
  readonly items: Item[] = [];
  readonly titles: SessionTitles = {};
  /** the session's latest working directory and branch, as its lines say */
  cwd = '';
  gitBranch = '';
  lineCount = 0;
  invalidLines = 0;
  private readonly messages = new Map<string, Assistant>();
  private readonly calls = new Map<string, { item: Item; call: ToolCall }>();
  /** results whose call has not been seen yet: timestamps and file order are not monotonic */
  private readonly early = new Map<string, ItemOf<'result'>>();
  private lastCompaction: ItemOf<'compaction'> | undefined;
  /** the last item a reader sees (metadata rows do not separate two API retries) */
  private lastVisible: Item | undefined;
  private readonly markSidechains: boolean;

  constructor(options: ModelOptions = {}) {
    this.markSidechains = options.markSidechains ?? true;
    this.lineCount = options.firstLine ?? 0;
  }

  append(lines: readonly string[]): ModelChange {
    const changes: ModelChange = { added: [], changed: [], regrouped: false };
    for (const raw of lines) {
      const ctx = { index: this.lineCount++, raw, changes };
      const parsed = parseLine(raw);
      if (!parsed.ok) {
        this.invalidLines++;
        this.add(ctx, { kind: 'raw', label: `Unreadable line (${parsed.error})`, raw }, { quiet: false });
      } else if (!parsed.known) {
        this.add(ctx, { kind: 'raw', label: `${parsed.entry.type} entry`, raw }, { quiet: false, timestamp: str(parsed.entry.timestamp) });
      } else {
        const entry = parsed.entry;
        if ('cwd' in entry && typeof entry.cwd === 'string' && entry.cwd) this.cwd = entry.cwd;
        if ('gitBranch' in entry && typeof entry.gitBranch === 'string' && entry.gitBranch) this.gitBranch = entry.gitBranch;
        (this.handlers[entry.type] as (e: KnownEntry, c: Ctx) => void)(entry, ctx);
      }
    }
    // an item added and then changed in the same batch is reported once, as added
    const added = new Set(changes.added);
    changes.changed = [...new Set(changes.changed)].filter((i) => !added.has(i));
    return changes;
  }

  private add<K extends ItemKind>(ctx: Ctx, body: Omit<ItemOf<K>, 'key' | 'rev' | 'quiet' | 'sidechain' | 'timestamp'> & { kind: K }, base: { quiet: boolean; sidechain?: boolean; timestamp?: string }): ItemOf<K> {
    const item = { key: ctx.index, rev: 0, sidechain: false, ...base, ...body } as unknown as ItemOf<K>;
    this.items.push(item);
    if (!item.quiet) this.lastVisible = item;
    ctx.changes.added.push(item);
    return item;
  }

  private touch(item: Item, ctx: Ctx): void {
    item.rev++;
    ctx.changes.changed.push(item);
  }

  private quiet(ctx: Ctx, label: string, timestamp?: string): void {
    this.add(ctx, { kind: 'raw', label, raw: ctx.raw }, { quiet: true, timestamp });
  }

  private readonly handlers: Handlers = {
    user: (e, ctx) => this.user(e, ctx),
    assistant: (e, ctx) => this.assistant(e, ctx),
    system: (e, ctx) => this.system(e, ctx),
    summary: (e, ctx) => {
      this.titles.summary = e.summary;
      this.add(ctx, { kind: 'summary', text: e.summary }, { quiet: false });
    },
    progress: (e, ctx) => {
      // agent_progress copies a subagent's messages, which its own transcript holds: skip, never double
      if (e.data?.type === 'agent_progress') return;
      this.quiet(ctx, `progress: ${e.data?.type ?? 'unknown'}`, e.timestamp);
    },
    attachment: (e, ctx) => this.quiet(ctx, `attachment: ${e.attachment?.type ?? 'unknown'}`, e.timestamp),
    'file-history-snapshot': (_e, ctx) => this.quiet(ctx, 'file history snapshot'),
    'queue-operation': (e, ctx) => this.quiet(ctx, `queued input: ${e.operation ?? 'unknown'}`, e.timestamp),
    'custom-title': (e, ctx) => {
      this.titles.custom = e.customTitle;
      this.quiet(ctx, `renamed: ${e.customTitle}`);
    },
    'ai-title': (e, ctx) => {
      this.titles.ai = e.aiTitle;
      this.quiet(ctx, `title: ${e.aiTitle}`);
    },
    'last-prompt': (_e, ctx) => this.quiet(ctx, 'last prompt'),
    'permission-mode': (e, ctx) => this.quiet(ctx, `permission mode: ${e.permissionMode ?? 'unknown'}`),
    'agent-name': (e, ctx) => this.quiet(ctx, `agent name: ${e.agentName ?? ''}`),
    mode: (e, ctx) => this.quiet(ctx, `mode: ${e.mode ?? 'unknown'}`),
    'pr-link': (e, ctx) => {
      const title = `Pull request #${e.prNumber ?? '?'}${e.prRepository ? ` · ${e.prRepository}` : ''}`;
      this.add(ctx, { kind: 'event', tone: 'info', title, detail: e.prUrl ?? '' }, { quiet: false, timestamp: str(e.timestamp) });
    },
  };

  private sidechain(e: { isSidechain?: boolean }): boolean {
    return this.markSidechains && e.isSidechain === true;
  }

  private user(e: UserEntry, ctx: Ctx): void {
    const base = { sidechain: this.sidechain(e), timestamp: e.timestamp };
    const blocks = contentBlocks(e.message?.content);
    const text = blocks.flatMap((b) => (b.kind === 'text' ? [b.text] : [])).join('\n\n');
    if (e.isCompactSummary) {
      const item = this.lastCompaction ?? this.add(ctx, { kind: 'compaction', title: 'Conversation compacted', summary: '' }, { ...base, quiet: false });
      item.summary = text;
      if (item !== ctx.changes.added[ctx.changes.added.length - 1]) this.touch(item, ctx);
      return;
    }
    for (const b of blocks) if (b.kind === 'tool_result') this.result(b, e.toolUseResult, ctx, base);
    const images = blocks.flatMap((b) => (b.kind === 'image' ? nonNull(safeImage(b.source)) : []));
    if (!text && images.length === 0) {
      if (blocks.length === 0) this.quiet(ctx, 'empty user line', e.timestamp);
      return;
    }
    const markup = classifyUserMarkup(text);
    switch (markup.kind) {
      case 'command':
        return this.command(markup.command, '', false, ctx, base);
      case 'shell':
        return this.command(`! ${markup.command}`, '', false, ctx, base);
      case 'output':
        return this.output(markup, ctx, base);
      case 'task': {
        const tone = /fail|error|kill/i.test(markup.status) ? 'error' : 'info';
        this.add(ctx, { kind: 'event', tone, title: `Background task ${markup.status || 'finished'} · ${markup.summary}`, detail: markup.detail }, { ...base, quiet: false });
        return;
      }
      case 'interrupt':
        this.add(ctx, { kind: 'event', tone: 'warning', title: markup.toolUse ? 'Interrupted by user · the tool was not run' : 'Interrupted by user', detail: '' }, { ...base, quiet: false });
        return;
      case 'reminder':
        this.add(ctx, { kind: 'reminder', reminders: markup.reminders }, { ...base, quiet: true });
        return;
      case 'caveat':
        return this.quiet(ctx, 'context added by Claude Code', e.timestamp);
      case 'prompt':
        if (e.isMeta) return this.quiet(ctx, 'context added by Claude Code', e.timestamp);
        this.titles.firstPrompt ??= titleText(markup.text)?.slice(0, 200);
        this.add(ctx, { kind: 'prompt', text: markup.text, images, reminders: markup.reminders }, { ...base, quiet: false });
    }
  }

  private output(markup: Extract<UserMarkup, { kind: 'output' }>, ctx: Ctx, base: { sidechain: boolean; timestamp?: string }): void {
    this.command('', [markup.stdout, markup.stderr].filter(Boolean).join('\n'), markup.stderr !== '' && markup.stdout === '', ctx, base);
  }

  /** `/cmd` and its output arrive as two lines; the output joins the command it belongs to. */
  private command(command: string, output: string, failed: boolean, ctx: Ctx, base: { sidechain: boolean; timestamp?: string }): void {
    const last = this.items[this.items.length - 1];
    if (!command && last?.kind === 'command' && !last.output) {
      last.output = output;
      last.failed = failed;
      this.touch(last, ctx);
      return;
    }
    if (!command && !output) return this.quiet(ctx, 'empty command output');
    this.add(ctx, { kind: 'command', command, output, failed }, { ...base, quiet: false });
  }

  private result(block: ToolResultBlock, structured: unknown, ctx: Ctx, base: { sidechain: boolean; timestamp?: string }): void {
    const result = toolResult(block, structured);
    const pending = this.calls.get(block.tool_use_id);
    if (!pending) {
      const item = this.add(ctx, { kind: 'result', toolUseId: block.tool_use_id, result }, { ...base, quiet: false });
      if (block.tool_use_id) this.early.set(block.tool_use_id, item);
      return;
    }
    attachResult(pending.call, result);
    this.calls.delete(block.tool_use_id);
    this.touch(pending.item, ctx);
  }

  private assistant(e: AssistantEntry, ctx: Ctx): void {
    const messageId = e.message?.id ?? e.uuid ?? `line-${ctx.index}`;
    const model = e.message?.model ?? '';
    let item = this.messages.get(messageId);
    const isNew = !item;
    if (!item) {
      const notice = e.isApiErrorMessage === true || model === '<synthetic>';
      item = this.add(ctx, { kind: 'assistant', messageId, model, parts: [], notice }, { quiet: false, sidechain: this.sidechain(e), timestamp: e.timestamp });
      this.messages.set(messageId, item);
    }
    const before = item.parts.length;
    for (const block of contentBlocks(e.message?.content)) {
      const part = this.part(block, item, ctx);
      if (part) item.parts.push(part);
    }
    if (!isNew && item.parts.length !== before) this.touch(item, ctx);
  }

  private part(block: ContentBlock, item: Assistant, ctx: Ctx): Part | null {
    switch (block.kind) {
      case 'text':
        return block.text.trim() ? { kind: 'text', text: block.text } : null;
      case 'thinking':
        return block.thinking.trim() ? { kind: 'thinking', text: block.thinking, redacted: false } : null;
      case 'redacted_thinking':
        return { kind: 'thinking', text: '', redacted: true };
      case 'tool_use': {
        const call: ToolCall = { id: block.id, name: block.name, ...describeTool(block.name, block.input, this.cwd) };
        const early = this.early.get(block.id);
        if (early) {
          this.early.delete(block.id);
          attachResult(call, early.result);
          early.quiet = true;
          ctx.changes.regrouped = true;
          this.touch(early, ctx);
        } else if (block.id) this.calls.set(block.id, { item, call });
        return { kind: 'tool', call };
      }
      case 'tool_result':
        this.result(block, undefined, ctx, { sidechain: item.sidechain, timestamp: item.timestamp });
        return null;
      case 'image': {
        const image = safeImage(block.source);
        return image ? { kind: 'image', image } : null;
      }
      case 'unknown':
        return { kind: 'text', text: `\`${block.type}\` block:\n\n\`\`\`json\n${JSON.stringify(block, null, 2)}\n\`\`\`` };
    }
  }

  private system(e: SystemEntry, ctx: Ctx): void {
    const base = { sidechain: this.sidechain(e), timestamp: e.timestamp };
    const content = typeof e.content === 'string' ? e.content : '';
    const x = e as Record<string, unknown>;
    switch (e.subtype) {
      case 'compact_boundary': {
        const meta = e.compactMetadata ?? {};
        const title = ['Conversation compacted', str(meta.trigger), tokensText(meta.preTokens)].filter(Boolean).join(' · ');
        this.lastCompaction = this.add(ctx, { kind: 'compaction', title, summary: '' }, { ...base, quiet: false });
        return;
      }
      case 'microcompact_boundary': {
        const meta = isRecord(x.microcompactMetadata) ? x.microcompactMetadata : {};
        const saved = tokensText(meta.tokensSaved);
        this.add(ctx, { kind: 'event', tone: 'info', title: `Older tool results cleared from context${saved ? ` · ${saved} saved` : ''}`, detail: '' }, { ...base, quiet: false });
        return;
      }
      case 'api_error': {
        const retry = typeof x.retryInMs === 'number' ? ` · retrying in ${durationText(x.retryInMs)}` : '';
        const attempt = typeof x.retryAttempt === 'number' ? ` (attempt ${x.retryAttempt}${typeof x.maxRetries === 'number' ? `/${x.maxRetries}` : ''})` : '';
        const detail = typeof e.error === 'string' ? e.error : JSON.stringify(e.error ?? x.cause ?? null, null, 2);
        const title = `API error${retry}${attempt}`;
        // retries in a row are one row: how many, and the last error
        const last = this.lastVisible;
        if (last?.kind === 'event' && last.retries) {
          last.retries++;
          last.title = `${title} · ${last.retries} errors in a row`;
          last.detail = detail;
          this.touch(last, ctx);
          return;
        }
        this.add(ctx, { kind: 'event', tone: 'error', title, detail, retries: 1 }, { ...base, quiet: false });
        return;
      }
      case 'turn_duration':
        this.add(ctx, { kind: 'event', tone: 'info', title: `Worked for ${durationText(e.durationMs ?? 0)}`, detail: '' }, { ...base, quiet: false });
        return;
      case 'stop_hook_summary': {
        const errors = Array.isArray(x.hookErrors) ? x.hookErrors : [];
        if (errors.length === 0 && x.preventedContinuation !== true) return this.quiet(ctx, 'stop hooks ran', e.timestamp);
        const title = x.preventedContinuation === true ? `Stop hook prevented continuation${str(x.stopReason) ? `: ${str(x.stopReason)}` : ''}` : 'Stop hook failed';
        this.add(ctx, { kind: 'event', tone: 'warning', title, detail: errors.map((err) => (typeof err === 'string' ? err : JSON.stringify(err))).join('\n') }, { ...base, quiet: false });
        return;
      }
      case 'local_command': {
        const markup = classifyUserMarkup(content);
        if (markup.kind === 'command') return this.command(markup.command, '', false, ctx, base);
        if (markup.kind === 'output') return this.output(markup, ctx, base);
        break;
      }
    }
    const text = splitReminders(content).text || (e.subtype ?? 'system message');
    const [title, ...rest] = text.split('\n');
    this.add(ctx, { kind: 'event', tone: eventTone(e.level), title, detail: rest.join('\n').trim() }, { ...base, quiet: e.subtype === undefined && !content });
  }
}

function attachResult(call: ToolCall, result: ToolResult): void {
  call.result = result;
  if (result.agentId && call.view.kind === 'agent') {
    call.subagent = { agentId: result.agentId, description: call.view.description, agentType: call.view.agentType };
  }
}

/** `structured` is the line's `toolUseResult`; a Task/Agent result names its subagent there. */
function toolResult(block: ToolResultBlock, structured: unknown): ToolResult {
  const parts = typeof block.content === 'string' ? [{ type: 'text', text: block.content }] : (block.content ?? []);
  const texts: string[] = [];
  const images: SafeImage[] = [];
  for (const p of parts) {
    if (p.type === 'text' && typeof p.text === 'string') texts.push(p.text);
    else if (p.type === 'image') images.push(...nonNull(safeImage(p.source)));
    else if (p.type === 'tool_reference' && typeof p.tool_name === 'string') texts.push(`(loaded tool ${p.tool_name})`);
    else texts.push(JSON.stringify(p));
  }
  const { text: withoutReminders, reminders } = splitReminders(texts.join('\n'));
  const text = withoutReminders.replace(/^<tool_use_error>([\s\S]*)<\/tool_use_error>$/, '$1');
  const isError = block.is_error === true;
  const agentId = isRecord(structured) && typeof structured.agentId === 'string' ? structured.agentId : undefined;
  return { text, isError, denied: isError && DENIAL.test(text), images, agentId, reminders };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function nonNull<T>(v: T | null): T[] {
  return v === null ? [] : [v];
}

type ItemOf<K extends ItemKind> = Extract<Item, { kind: K }>;
