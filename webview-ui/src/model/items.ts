// What the viewer shows: one display item per message (lines sharing a `message.id` merge into one),
// per prompt, per system event. Items are mutable so a late line (a tool result, the next block of a
// streamed message) updates the item in place; `rev` goes up on every change so the list re-renders
// exactly that row.

export type SafeImage = { mediaType: string; data: string };

export type ToolResult = {
  text: string;
  isError: boolean;
  /** the host refused the tool: a permission denial */
  denied: boolean;
  images: SafeImage[];
  /** a Task/Agent result names the subagent whose transcript is a side file */
  agentId?: string;
  /** system reminders Claude Code appended to the result, shown apart from it */
  reminders: string[];
};

/** A Task/Agent call's subagent, once its result names the agent. */
export type SubagentRef = { agentId: string; description: string; agentType: string };

/** How a tool call's input is presented; `ToolInput.tsx` has one renderer per kind. */
export type ToolView =
  | { kind: 'command'; command: string; description?: string }
  | { kind: 'diff'; path: string; hunks: DiffLine[][]; added: number; removed: number; created: boolean }
  | { kind: 'summary'; text: string }
  | { kind: 'todos'; todos: { text: string; status: string }[] }
  | { kind: 'agent'; description: string; agentType: string; prompt: string }
  | { kind: 'json'; json: string };

export type DiffLine = { op: ' ' | '+' | '-'; text: string };

export type ToolCall = {
  id: string;
  name: string;
  /** short argument shown next to the name, as Claude Code prints `Bash(npm test)` */
  label: string;
  view: ToolView;
  result?: ToolResult;
  subagent?: SubagentRef;
};

export type Part =
  | { kind: 'text'; text: string }
  | { kind: 'thinking'; text: string; redacted: boolean }
  | { kind: 'tool'; call: ToolCall }
  | { kind: 'image'; image: SafeImage };

type Base = {
  /** stable across updates: the index of the item's first line */
  key: number;
  rev: number;
  /** metadata rows (hooks, snapshots, modes) shown only in verbose mode */
  quiet: boolean;
  /** inline subagent traffic (old transcripts keep it in the main file) */
  sidechain: boolean;
  timestamp?: string;
};

export type Item = Base &
  (
    | { kind: 'prompt'; text: string; images: SafeImage[]; reminders: string[] }
    /** a slash command or shell escape and what it printed; `failed`: it printed only to stderr */
    | { kind: 'command'; command: string; output: string; failed: boolean }
    | { kind: 'assistant'; messageId: string; model: string; parts: Part[]; notice: boolean }
    | { kind: 'result'; toolUseId: string; result: ToolResult }
    /** `retries`: API errors in a row, folded into one row that shows the last one */
    | { kind: 'event'; tone: 'info' | 'warning' | 'error'; title: string; detail: string; retries?: number }
    /** a line of nothing but system reminders (shown with the details) */
    | { kind: 'reminder'; reminders: string[] }
    | { kind: 'compaction'; title: string; summary: string }
    | { kind: 'summary'; text: string }
    | { kind: 'raw'; label: string; raw: string }
  );

export type ItemKind = Item['kind'];
