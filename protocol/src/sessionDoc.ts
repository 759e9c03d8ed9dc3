import * as Y from 'yjs';
import { z } from 'zod';
import { CancelRequest, PromptRequest, RunStatus } from './prompts';
import type { TxOrigin } from './origins';
import { QUEUE_ARRAY_NAMES, type QueueArrayName } from './queueRules';
import { ClaudeProcessStatus, PendingApproval, ToolAnswer, ToolApprovalPolicy } from './toolApprovals';

// The shared document model (DESIGN.md §3). This module alone knows the Yjs key names; everything
// else goes through the functions below. One share = two rooms (two Y.Docs):
//   transcript room (host writes): meta, lines, side files, runs, approvals, claude process state
//   queue room (prompters append, host writes): the arrays of queueRules.ts (prompts, cancels, answers)

const K = {
  meta: 'meta',
  lines: 'lines',
  sideLines: 'sideLines',
  sideBlobs: 'sideBlobs',
  runs: 'runs',
  approvals: 'approvals',
  claudeProcess: 'claudeProcess',
} as const;

export const SessionState = z.enum(['live', 'idle', 'ended', 'error']);
export type SessionState = z.infer<typeof SessionState>;

export const SessionMeta = z.object({
  sessionId: z.string().optional(),
  /** the session's working directory on the host (display only, never a path to write to) */
  cwd: z.string().optional(),
  /** the host's project folder name under projects/, as found */
  projectFolder: z.string().optional(),
  title: z.string().optional(),
  hostLabel: z.string().optional(),
  /** the host process publishing right now; a host that sees another id here has been taken over */
  hostId: z.string().optional(),
  gitBranch: z.string().optional(),
  version: z.string().optional(),
  state: SessionState.optional(),
  /** bumped whenever the host replaces lines it published before (the file was rewritten) */
  epoch: z.number().int().nonnegative().optional(),
  startedAt: z.number().optional(),
  updatedAt: z.number().optional(),
  /** why state is `error` */
  error: z.string().optional(),
  /** the host's approval policy, shown to prompters */
  promptPolicy: z.enum(['ask', 'auto', 'never']).optional(),
  /** who may answer Claude Code's tool requests: the host only, or prompter links too */
  toolApprovals: ToolApprovalPolicy.optional(),
  /** projects (cwd paths) the host lets prompters start new sessions in */
  newSessionProjects: z.array(z.string()).optional(),
  /** git remote of the session's project, so a handoff can find the local checkout */
  gitRemote: z.string().optional(),
});
export type SessionMeta = z.infer<typeof SessionMeta>;
/** Built once: zod compiles a schema on first use, and setMeta runs for every published batch. */
const SessionMetaPatch = SessionMeta.partial();

// ---- side files ---------------------------------------------------------------------------------

const SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._@+=-]{1,255}$/;
const SESSION_DIR = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A side file's key is its path relative to the project folder: `<sessionId>/subagents/…`,
 *  `<sessionId>/tool-results/…`, or a flat `agent-*.jsonl`. Nothing else is accepted, so a
 *  hostile document cannot name a path outside the session (no `..`, no absolute paths). */
export function isSafeSidePath(path: string): boolean {
  if (path.length > 1024 || path.includes('\\')) return false;
  const parts = path.split('/');
  if (parts.length === 1) return /^agent-[A-Za-z0-9_-]{1,100}\.jsonl$/.test(parts[0]);
  return SESSION_DIR.test(parts[0]) && parts.slice(1).every((p) => SEGMENT.test(p));
}

export const SidePath = z.string().refine(isSafeSidePath, 'not a safe side-file path');

// ---- transcript room ----------------------------------------------------------------------------

export type TranscriptRoom = {
  meta: Y.Map<unknown>;
  lines: Y.Array<string>;
  sideLines: Y.Map<Y.Array<string>>;
  sideBlobs: Y.Map<Uint8Array>;
  runs: Y.Map<unknown>;
  approvals: Y.Map<unknown>;
  claudeProcess: Y.Map<unknown>;
};

export function transcriptRoom(doc: Y.Doc): TranscriptRoom {
  return {
    meta: doc.getMap<unknown>(K.meta),
    lines: doc.getArray<string>(K.lines),
    sideLines: doc.getMap<Y.Array<string>>(K.sideLines),
    sideBlobs: doc.getMap<Uint8Array>(K.sideBlobs),
    runs: doc.getMap<unknown>(K.runs),
    approvals: doc.getMap<unknown>(K.approvals),
    claudeProcess: doc.getMap<unknown>(K.claudeProcess),
  };
}

/** Reads meta; fields of the wrong type are dropped, not thrown. */
export function readMeta(doc: Y.Doc): SessionMeta {
  const raw = transcriptRoom(doc).meta.toJSON();
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(SessionMeta.shape)) {
    if (raw[key] === undefined) continue;
    const r = (schema as z.ZodType).safeParse(raw[key]);
    if (r.success) out[key] = r.data;
  }
  return out as SessionMeta;
}

export function setMeta(doc: Y.Doc, patch: Partial<SessionMeta>, origin: TxOrigin): void {
  const meta = transcriptRoom(doc).meta;
  doc.transact(() => {
    for (const [k, v] of Object.entries(SessionMetaPatch.parse(patch))) {
      if (v === undefined) meta.delete(k);
      else if (!sameJson(meta.get(k), v)) meta.set(k, v);
    }
  }, origin);
}

export function appendLines(doc: Y.Doc, lines: readonly string[], origin: TxOrigin): void {
  if (lines.length === 0) return;
  doc.transact(() => transcriptRoom(doc).lines.push(lines as string[]), origin);
}

/** Replaces every line from `index` on with `lines` and bumps the epoch, in one transaction,
 *  so a viewer never sees a mix of the old and the new tail. */
export function replaceLinesFrom(doc: Y.Doc, index: number, lines: readonly string[], origin: TxOrigin): void {
  const room = transcriptRoom(doc);
  doc.transact(() => {
    const n = room.lines.length;
    if (index < n) room.lines.delete(index, n - index);
    if (lines.length) room.lines.push(lines as string[]);
    room.meta.set('epoch', (readMeta(doc).epoch ?? 0) + 1);
  }, origin);
}

export function readLines(doc: Y.Doc): string[] {
  return transcriptRoom(doc).lines.toArray();
}

/** The main transcript as the host's file had it: every line followed by a newline. */
export function joinLines(lines: readonly string[]): string {
  return lines.length ? lines.join('\n') + '\n' : '';
}

function sideArray(doc: Y.Doc, path: string): Y.Array<string> {
  if (!isSafeSidePath(path)) throw new Error(`refusing side-file path ${JSON.stringify(path)}`);
  const side = transcriptRoom(doc).sideLines;
  let arr = side.get(path);
  if (!arr) {
    arr = new Y.Array<string>();
    side.set(path, arr);
  }
  return arr;
}

/** Appends lines to a side transcript (a subagent's JSONL). */
export function appendSideLines(doc: Y.Doc, path: string, lines: readonly string[], origin: TxOrigin): void {
  doc.transact(() => sideArray(doc, path).push(lines as string[]), origin);
}

export function replaceSideLinesFrom(doc: Y.Doc, path: string, index: number, lines: readonly string[], origin: TxOrigin): void {
  doc.transact(() => {
    const arr = sideArray(doc, path);
    if (index < arr.length) arr.delete(index, arr.length - index);
    if (lines.length) arr.push(lines as string[]);
  }, origin);
}

/** Sets a side file that is not line-oriented (tool-results, .meta.json, images). */
export function setSideBlob(doc: Y.Doc, path: string, bytes: Uint8Array, origin: TxOrigin): void {
  if (!isSafeSidePath(path)) throw new Error(`refusing side-file path ${JSON.stringify(path)}`);
  doc.transact(() => transcriptRoom(doc).sideBlobs.set(path, bytes), origin);
}

export function deleteSideFile(doc: Y.Doc, path: string, origin: TxOrigin): void {
  const room = transcriptRoom(doc);
  doc.transact(() => {
    room.sideLines.delete(path);
    room.sideBlobs.delete(path);
  }, origin);
}

export type SideFile = { path: string; kind: 'lines'; lines: string[] } | { path: string; kind: 'blob'; bytes: Uint8Array };

/** Every side file in the document. Entries with unsafe paths or wrong types are skipped and counted. */
export function readSideFiles(doc: Y.Doc): { files: SideFile[]; rejected: string[] } {
  const room = transcriptRoom(doc);
  const files: SideFile[] = [];
  const rejected: string[] = [];
  room.sideLines.forEach((arr, path) => {
    if (isSafeSidePath(path) && arr instanceof Y.Array && arr.toArray().every((l) => typeof l === 'string')) {
      files.push({ path, kind: 'lines', lines: arr.toArray() });
    } else rejected.push(path);
  });
  room.sideBlobs.forEach((bytes, path) => {
    if (isSafeSidePath(path) && bytes instanceof Uint8Array) files.push({ path, kind: 'blob', bytes });
    else rejected.push(path);
  });
  return { files, rejected };
}

export function setRun(doc: Y.Doc, status: RunStatus, origin: TxOrigin): void {
  const parsed = RunStatus.parse(status);
  doc.transact(() => transcriptRoom(doc).runs.set(parsed.promptId, parsed), origin);
}

/** Entries of a keyed map that parse and sit under their own id; others are skipped. */
function readKeyed<T>(map: Y.Map<unknown>, schema: z.ZodType<T>, idOf: (t: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  map.forEach((value, key) => {
    const r = schema.safeParse(value);
    if (r.success && idOf(r.data) === key) out.set(key, r.data);
  });
  return out;
}

/** One prompt's status, parsed (the runner reads one at a time: reading all per prompt is O(n²)). */
export function readRun(doc: Y.Doc, promptId: string): RunStatus | undefined {
  const r = RunStatus.safeParse(transcriptRoom(doc).runs.get(promptId));
  return r.success && r.data.promptId === promptId ? r.data : undefined;
}

export function readRuns(doc: Y.Doc): Map<string, RunStatus> {
  return readKeyed(transcriptRoom(doc).runs, RunStatus, (r) => r.promptId);
}

export function setApproval(doc: Y.Doc, approval: PendingApproval, origin: TxOrigin): void {
  const parsed = PendingApproval.parse(approval);
  doc.transact(() => transcriptRoom(doc).approvals.set(parsed.id, parsed), origin);
}

export function readApprovals(doc: Y.Doc): Map<string, PendingApproval> {
  return readKeyed(transcriptRoom(doc).approvals, PendingApproval, (a) => a.id);
}

const PROCESS_KEY = 'status';

/** The host's Claude Code process for this share; undefined clears it. */
export function setClaudeProcess(doc: Y.Doc, status: ClaudeProcessStatus | undefined, origin: TxOrigin): void {
  const map = transcriptRoom(doc).claudeProcess;
  doc.transact(() => (status ? map.set(PROCESS_KEY, ClaudeProcessStatus.parse(status)) : map.delete(PROCESS_KEY)), origin);
}

export function readClaudeProcess(doc: Y.Doc): ClaudeProcessStatus | undefined {
  const r = ClaudeProcessStatus.safeParse(transcriptRoom(doc).claudeProcess.get(PROCESS_KEY));
  return r.success ? r.data : undefined;
}

// ---- queue room ---------------------------------------------------------------------------------

export type QueueRoom = Record<QueueArrayName, Y.Array<unknown>>;

export function queueRoom(doc: Y.Doc): QueueRoom {
  return Object.fromEntries(QUEUE_ARRAY_NAMES.map((name) => [name, doc.getArray<unknown>(name)])) as QueueRoom;
}

/**
 * The entries one transaction added to `arr`, without looking at the rest of the array: the new
 * structs are the clocks between the transaction's before and after state. Call it from `arr`'s
 * observer (or afterTransaction). Grouped by writer, in each writer's order; deleted ones skipped.
 */
export function addedEntries(tr: Y.Transaction, arr: Y.Array<unknown>): unknown[] {
  const out: unknown[] = [];
  tr.afterState.forEach((after, client) => {
    const before = tr.beforeState.get(client) ?? 0;
    if (after <= before) return;
    const structs = tr.doc.store.clients.get(client) ?? [];
    for (let i = Y.findIndexSS(structs, before); i < structs.length && structs[i].id.clock < after; i++) {
      const s = structs[i];
      if (!(s instanceof Y.Item) || s.deleted || s.parent !== arr || !(s.content instanceof Y.ContentAny)) continue;
      const from = Math.max(0, before - s.id.clock);
      out.push(...s.content.getContent().slice(from, after - s.id.clock));
    }
  });
  return out;
}

export function addPrompt(doc: Y.Doc, prompt: PromptRequest, origin: TxOrigin): void {
  const parsed = PromptRequest.parse(prompt);
  doc.transact(() => queueRoom(doc).prompts.push([parsed]), origin);
}

export function addCancel(doc: Y.Doc, cancel: CancelRequest, origin: TxOrigin): void {
  const parsed = CancelRequest.parse(cancel);
  doc.transact(() => queueRoom(doc).cancels.push([parsed]), origin);
}

export function addAnswer(doc: Y.Doc, answer: ToolAnswer, origin: TxOrigin): void {
  const parsed = ToolAnswer.parse(answer);
  doc.transact(() => queueRoom(doc).answers.push([parsed]), origin);
}

export type QueueReading<T> = { valid: T[]; invalid: { index: number; error: string }[] };

/** Every queue entry, parsed. Invalid entries are reported, duplicates of an id keep the first. */
export function readPrompts(doc: Y.Doc): QueueReading<PromptRequest> {
  return readQueue(queueRoom(doc).prompts, PromptRequest, (p) => p.id);
}

export function readCancels(doc: Y.Doc): QueueReading<CancelRequest> {
  return readQueue(queueRoom(doc).cancels, CancelRequest, (c) => c.promptId);
}

function readQueue<T>(arr: Y.Array<unknown>, schema: z.ZodType<T>, key: (t: T) => string): QueueReading<T> {
  const seen = new Set<string>();
  const out: QueueReading<T> = { valid: [], invalid: [] };
  arr.toArray().forEach((value, index) => {
    const r = schema.safeParse(value);
    if (!r.success) out.invalid.push({ index, error: r.error.issues.map((i) => i.message).join('; ') });
    else if (!seen.has(key(r.data))) {
      seen.add(key(r.data));
      out.valid.push(r.data);
    }
  });
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
