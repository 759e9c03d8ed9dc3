import { z } from 'zod';
import type { PermissionDenial } from '../../../../protocol/src';

// What `claude -p --output-format stream-json --verbose` prints, one JSON object per line. Parsed
// permissively: only the fields the runner acts on are checked, unknown types and fields pass.
// The init message is found by subtype, never by position (`--bare` prints `ui_invalidate` first).

const Init = z.looseObject({
  type: z.literal('system'),
  subtype: z.literal('init'),
  session_id: z.string(),
  cwd: z.string().optional(),
  claude_code_version: z.string().optional(),
  permissionMode: z.string().optional(),
});

const Denial = z.looseObject({ tool_name: z.string(), tool_use_id: z.string().optional(), tool_input: z.unknown().optional() });

const Result = z.looseObject({
  type: z.literal('result'),
  subtype: z.string().optional(),
  // `subtype` says "success" on API errors: `is_error` is what tells
  is_error: z.boolean().optional(),
  session_id: z.string().optional(),
  result: z.string().optional(),
  errors: z.array(z.unknown()).optional(),
  total_cost_usd: z.number().nonnegative().optional(),
  permission_denials: z.array(Denial).optional(),
});

export type ClaudeInit = { sessionId: string; cwd?: string; version?: string; permissionMode?: string };

export type ClaudeResult = {
  isError: boolean;
  subtype?: string;
  sessionId?: string;
  text?: string;
  errors: string[];
  costUsd?: number;
  permissionDenials: PermissionDenial[];
};

// `--permission-prompt-tool stdio`: Claude Code asks before a tool runs and waits for our control_response
const CanUseTool = z.looseObject({
  type: z.literal('control_request'),
  request_id: z.string().min(1).max(200),
  request: z.looseObject({
    subtype: z.literal('can_use_tool'),
    tool_name: z.string(),
    input: z.record(z.string(), z.unknown()),
    tool_use_id: z.string().optional(),
    permission_suggestions: z.array(z.unknown()).optional(),
    blocked_path: z.string().optional(),
    decision_reason: z.unknown().optional(),
    description: z.string().optional(),
    title: z.string().optional(),
  }),
});

// the question is no longer wanted (the turn was interrupted)
const ControlCancel = z.looseObject({ type: z.literal('control_cancel_request'), request_id: z.string() });

export type PermissionRequest = {
  requestId: string;
  toolName: string;
  input: Record<string, unknown>;
  toolUseId?: string;
  suggestions: unknown[];
  blockedPath?: string;
  /** why Claude Code asks, in its words */
  reason?: string;
};

export type StreamEvent =
  | { kind: 'init'; init: ClaudeInit }
  | { kind: 'result'; result: ClaudeResult }
  | { kind: 'permission'; request: PermissionRequest }
  | { kind: 'permission-cancel'; requestId: string }
  | { kind: 'other'; type: string; uuid?: string };

/** One stdout line → an event, or undefined when the line is not a JSON object (counted by the caller). */
export function parseStreamLine(line: string): StreamEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const init = Init.safeParse(value);
  if (init.success) {
    const d = init.data;
    return { kind: 'init', init: { sessionId: d.session_id, cwd: d.cwd, version: d.claude_code_version, permissionMode: d.permissionMode } };
  }
  const result = Result.safeParse(value);
  if (result.success) {
    const d = result.data;
    return {
      kind: 'result',
      result: {
        isError: d.is_error === true,
        subtype: d.subtype,
        sessionId: d.session_id,
        text: d.result,
        errors: (d.errors ?? []).map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
        costUsd: d.total_cost_usd,
        permissionDenials: (d.permission_denials ?? []).map((p) => ({ toolName: p.tool_name, toolUseId: p.tool_use_id, input: p.tool_input })),
      },
    };
  }
  const ask = CanUseTool.safeParse(value);
  if (ask.success) {
    const r = ask.data.request;
    const reason = typeof r.decision_reason === 'string' ? r.decision_reason : r.title ?? r.description;
    return {
      kind: 'permission',
      request: { requestId: ask.data.request_id, toolName: r.tool_name, input: r.input, toolUseId: r.tool_use_id, suggestions: r.permission_suggestions ?? [], blockedPath: r.blocked_path, reason },
    };
  }
  const cancel = ControlCancel.safeParse(value);
  if (cancel.success) return { kind: 'permission-cancel', requestId: cancel.data.request_id };
  const { type, uuid } = value as { type?: unknown; uuid?: unknown };
  return { kind: 'other', type: typeof type === 'string' ? type : 'unknown', uuid: typeof uuid === 'string' ? uuid : undefined };
}

/** Splits a byte stream into lines. A line longer than `maxLineBytes` is dropped and counted, so a
 *  runaway line cannot grow memory without bound. */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private overlong = false;
  dropped = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes = 32 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      this.add(chunk.subarray(start, nl));
      this.emit();
      start = nl + 1;
    }
    if (start < chunk.length) this.add(chunk.subarray(start));
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.size > 0 || this.overlong) this.emit();
  }

  private add(bytes: Buffer): void {
    if (this.overlong) return;
    if (this.size + bytes.length > this.maxLineBytes) {
      this.overlong = true;
      this.parts = [];
      this.size = 0;
      return;
    }
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private emit(): void {
    if (this.overlong) this.dropped++;
    else {
      const line = Buffer.concat(this.parts, this.size).toString('utf8').trim();
      if (line) this.onLine(line);
    }
    this.parts = [];
    this.size = 0;
    this.overlong = false;
  }
}
