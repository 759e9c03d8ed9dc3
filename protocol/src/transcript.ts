import { z } from 'zod';

// Permissive schemas for Claude Code transcript lines (see ../shared/docs/transcript-format.md).
// Every field is optional and unknown fields are kept: the raw line is the source of truth, these
// types only help readers. A line that does not fit is reported, never thrown.

const str = z.string().optional();
const bool = z.boolean().optional();
const num = z.number().optional();

export const TextBlock = z.looseObject({ type: z.literal('text'), text: z.string().default('') });
export const ThinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string().default(''), signature: str });
export const RedactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: str });
export const ImageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.looseObject({ type: str, media_type: str, data: str, url: str }).optional(),
});
export const ToolUseBlock = z.looseObject({
  type: z.enum(['tool_use', 'server_tool_use']),
  id: z.string().default(''),
  name: z.string().default(''),
  input: z.unknown().optional(),
});
export const ToolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().default(''),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]).optional(),
  is_error: bool,
});
export const UnknownBlock = z.looseObject({ type: z.string() });

export type TextBlock = z.infer<typeof TextBlock>;
export type ThinkingBlock = z.infer<typeof ThinkingBlock>;
export type RedactedThinkingBlock = z.infer<typeof RedactedThinkingBlock>;
export type ImageBlock = z.infer<typeof ImageBlock>;
export type ToolUseBlock = z.infer<typeof ToolUseBlock>;
export type ToolResultBlock = z.infer<typeof ToolResultBlock>;
export type UnknownBlock = z.infer<typeof UnknownBlock>;
export type ContentBlock =
  | ({ kind: 'text' } & TextBlock)
  | ({ kind: 'thinking' } & ThinkingBlock)
  | ({ kind: 'redacted_thinking' } & RedactedThinkingBlock)
  | ({ kind: 'image' } & ImageBlock)
  | ({ kind: 'tool_use' } & ToolUseBlock)
  | ({ kind: 'tool_result' } & ToolResultBlock)
  | ({ kind: 'unknown' } & UnknownBlock);

const blockSchemas = {
  text: TextBlock,
  thinking: ThinkingBlock,
  redacted_thinking: RedactedThinkingBlock,
  image: ImageBlock,
  tool_use: ToolUseBlock,
  server_tool_use: ToolUseBlock,
  tool_result: ToolResultBlock,
} as const;

/** Parses one content block; an unknown or malformed block comes back as `kind: 'unknown'`. */
export function parseBlock(value: unknown): ContentBlock {
  const type = isRecord(value) && typeof value.type === 'string' ? value.type : '';
  const schema = (blockSchemas as Record<string, z.ZodType>)[type];
  if (schema) {
    const r = schema.safeParse(value);
    if (r.success) {
      const kind = type === 'server_tool_use' ? 'tool_use' : type;
      return { kind, ...(r.data as object) } as ContentBlock;
    }
  }
  return { kind: 'unknown', ...(isRecord(value) ? value : {}), type: type || 'unknown' };
}

/** `message.content` is a string or an array of blocks; this always gives blocks. */
export function contentBlocks(content: unknown): ContentBlock[] {
  if (typeof content === 'string') return [{ kind: 'text', type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return content.map(parseBlock);
}

export const Envelope = z.looseObject({
  type: z.string(),
  uuid: str,
  parentUuid: z.string().nullable().optional(),
  logicalParentUuid: z.string().nullable().optional(),
  sessionId: str,
  timestamp: str,
  version: str,
  cwd: str,
  gitBranch: str,
  isSidechain: bool,
  isMeta: bool,
  agentId: str,
  entrypoint: str,
  slug: str,
  userType: str,
});

const Message = z.looseObject({
  id: str,
  role: str,
  model: str,
  content: z.unknown().optional(),
  stop_reason: z.string().nullable().optional(),
  usage: z.record(z.string(), z.unknown()).optional(),
});

export const UserEntry = Envelope.extend({
  type: z.literal('user'),
  message: Message.optional(),
  toolUseResult: z.unknown().optional(),
  isCompactSummary: bool,
  isVisibleInTranscriptOnly: bool,
  sourceToolUseID: str,
});
export const AssistantEntry = Envelope.extend({
  type: z.literal('assistant'),
  message: Message.optional(),
  requestId: str,
  isApiErrorMessage: bool,
});
export const SystemEntry = Envelope.extend({
  type: z.literal('system'),
  subtype: str,
  content: z.unknown().optional(),
  level: str,
  durationMs: num,
  compactMetadata: z.record(z.string(), z.unknown()).optional(),
  error: z.unknown().optional(),
});
export const SummaryEntry = z.looseObject({ type: z.literal('summary'), summary: z.string().default(''), leafUuid: str });
export const ProgressEntry = Envelope.extend({
  type: z.literal('progress'),
  data: z.looseObject({ type: str }).optional(),
  toolUseID: str,
  parentToolUseID: str,
});
export const AttachmentEntry = Envelope.extend({
  type: z.literal('attachment'),
  attachment: z.looseObject({ type: str }).optional(),
});
export const FileHistorySnapshotEntry = z.looseObject({
  type: z.literal('file-history-snapshot'),
  messageId: str,
  snapshot: z.unknown().optional(),
  isSnapshotUpdate: bool,
});
export const QueueOperationEntry = z.looseObject({
  type: z.literal('queue-operation'),
  operation: str,
  timestamp: str,
  sessionId: str,
  content: z.unknown().optional(),
});
export const CustomTitleEntry = z.looseObject({ type: z.literal('custom-title'), customTitle: z.string().default(''), sessionId: str });
export const AiTitleEntry = z.looseObject({ type: z.literal('ai-title'), aiTitle: z.string().default(''), sessionId: str });
export const LastPromptEntry = z.looseObject({ type: z.literal('last-prompt'), lastPrompt: str, leafUuid: str, sessionId: str });
export const PermissionModeEntry = z.looseObject({ type: z.literal('permission-mode'), permissionMode: str, sessionId: str });
export const AgentNameEntry = z.looseObject({ type: z.literal('agent-name'), agentName: str, sessionId: str });
export const PrLinkEntry = z.looseObject({ type: z.literal('pr-link'), prNumber: z.union([z.number(), z.string()]).optional(), prUrl: str, prRepository: str, sessionId: str });
export const ModeEntry = z.looseObject({ type: z.literal('mode'), mode: str, sessionId: str });

export const knownEntrySchemas = {
  user: UserEntry,
  assistant: AssistantEntry,
  system: SystemEntry,
  summary: SummaryEntry,
  progress: ProgressEntry,
  attachment: AttachmentEntry,
  'file-history-snapshot': FileHistorySnapshotEntry,
  'queue-operation': QueueOperationEntry,
  'custom-title': CustomTitleEntry,
  'ai-title': AiTitleEntry,
  'last-prompt': LastPromptEntry,
  'permission-mode': PermissionModeEntry,
  'agent-name': AgentNameEntry,
  'pr-link': PrLinkEntry,
  mode: ModeEntry,
} as const;

type Known = typeof knownEntrySchemas;
export type KnownEntryType = keyof Known;
export type KnownEntry = { [K in KnownEntryType]: z.infer<Known[K]> }[KnownEntryType];
export type UserEntry = z.infer<typeof UserEntry>;
export type AssistantEntry = z.infer<typeof AssistantEntry>;
export type SystemEntry = z.infer<typeof SystemEntry>;

/** The result of reading one raw line. `raw` is always the exact input. */
export type ParsedLine =
  | { ok: true; known: true; entry: KnownEntry; raw: string }
  | { ok: true; known: false; entry: Record<string, unknown> & { type: string }; raw: string }
  | { ok: false; error: string; raw: string };

export function isKnownEntryType(type: string): type is KnownEntryType {
  return Object.prototype.hasOwnProperty.call(knownEntrySchemas, type);
}

/** Parses one JSONL line. Never throws: unknown types are `known: false`, bad lines `ok: false`. */
export function parseLine(raw: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}`, raw };
  }
  return parseEntry(value, raw);
}

export function parseEntry(value: unknown, raw = ''): ParsedLine {
  if (!isRecord(value)) return { ok: false, error: 'not a JSON object', raw };
  const type = typeof value.type === 'string' ? value.type : '';
  if (!type) return { ok: true, known: false, entry: { ...value, type: 'unknown' }, raw };
  if (!isKnownEntryType(type)) return { ok: true, known: false, entry: { ...value, type }, raw };
  const r = knownEntrySchemas[type].safeParse(value);
  if (r.success) return { ok: true, known: true, entry: r.data as KnownEntry, raw };
  // A known type with an odd shape (e.g. the SSE-spread `message` anomaly) is still shown, generically.
  return { ok: true, known: false, entry: { ...value, type }, raw };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
