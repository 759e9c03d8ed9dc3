import type * as Y from 'yjs';
import {
  MAX_PROMPT_CHARS,
  Origin,
  PresenceState,
  addAnswer,
  addCancel,
  addPrompt,
  canWrite,
  cleanDisplayName,
  encodeBase64Url,
  queueRoom,
  readApprovals,
  readCancels,
  readClaudeProcess,
  readMeta,
  readPrompts,
  readRuns,
  transcriptRoom,
  type BoundEntry,
  type ClaudeProcessStatus,
  type PendingApproval,
  type Role,
  type SessionMeta,
  type ToolDecision,
} from '../../../protocol/src';
import { queueRows, type QueueRow } from '../model/queueView';
import { groupWatchers, type Presence, type Watcher } from '../model/watchers';
import { subagentPath } from '../model/subagents';
import type { ConnectionStatus, SessionConnection } from './connection';
import { TranscriptModel } from '../model/transcriptModel';
import { TranscriptFeed, type FeedView } from './transcriptFeed';

// Everything the viewer draws, read from a SessionConnection's two documents, plus the few writes a
// prompter may make (queue a prompt, start a session, cancel). One snapshot object per change, so a
// view re-renders by comparing identities.


export type ViewerState = {
  connection: ConnectionStatus;
  meta: SessionMeta;
  feed: FeedView;
  queue: QueueRow[];
  /** Claude Code's tool requests waiting for an answer, oldest first */
  approvals: PendingApproval[];
  /** the host's Claude Code process for this share (starting, working, idle, waiting for an answer) */
  claudeProcess?: ClaudeProcessStatus;
  /** the answer this viewer last sent to each request, by request id */
  sentAnswers: ReadonlyMap<string, string>;
  /** this viewer's queue writes the relay refused, by prompt/cancel/answer id: the relay's reason */
  refusedWrites: ReadonlyMap<string, string>;
  /** requests this viewer answers as the host (the VS Code host's own viewer of its share): ids */
  hostRequests: ReadonlySet<string>;
  watchers: Watcher[];
  /** the display name this viewer chose ('' for none) */
  displayName: string;
  /** the link's role may write the queue room */
  canPrompt: boolean;
  verbose: boolean;
  /** side files changed: a subagent panel should look again */
  sideVersion: number;
};

/** A deny's message to Claude; a question's answers or the plan as approved. */
export type ToolAnswerExtra = { message?: string; updatedInput?: Record<string, unknown> };

/** Who this viewer writes as: the link's role, and the author and token id the relay binds to its entries. */
export type Identity = { role: Role; bound: BoundEntry };

/** Where the host's own answers go (the extension's question, not the queue room). */
export type HostAnswerer = (requestId: string, decision: ToolDecision, extra: ToolAnswerExtra) => void;

// Until the transcript room has synced the viewer shows nothing rather than building a model line by
// line from a big first sync (it arrives in chunks); once synced the feed reads it tail first.
const NOT_SYNCED: FeedView = { items: [], complete: false, model: new TranscriptModel(), version: 0 };

export class SessionStore {
  private feed: TranscriptFeed | null = null;
  private state: ViewerState;
  private readonly listeners = new Set<() => void>();
  private readonly cleanups: (() => void)[] = [];
  private disposed = false;
  /** ids of queue writes the relay has not judged yet, oldest first (a refusal names no id: it is theirs) */
  private unsettled: string[] = [];

  constructor(
    readonly connection: SessionConnection,
    private readonly identity: Identity,
    private readonly hostAnswerer?: HostAnswerer,
  ) {
    const room = transcriptRoom(connection.transcript);
    const queue = queueRoom(connection.queue);
    this.state = {
      connection: connection.status(),
      meta: readMeta(connection.transcript),
      feed: NOT_SYNCED,
      queue: this.readQueue(),
      approvals: this.readPendingApprovals(),
      claudeProcess: readClaudeProcess(connection.transcript),
      sentAnswers: new Map(),
      refusedWrites: new Map(),
      hostRequests: new Set(),
      watchers: this.readWatchers(),
      displayName: connection.awareness.getLocalState()?.user?.displayName ?? '',
      canPrompt: canWrite(identity.role, 'queue'),
      verbose: false,
      sideVersion: 0,
    };
    this.cleanups.push(
      connection.onStatus((s) => {
        if (s.kind === 'synced') this.openFeed();
        this.set({ connection: s });
      }),
      observe(room.meta, () => this.set({ meta: readMeta(connection.transcript) })),
      observeDeep(room.runs, () => this.set({ queue: this.readQueue() })),
      observe(room.approvals, () => this.set({ approvals: this.readPendingApprovals() })),
      observe(room.claudeProcess, () => this.set({ claudeProcess: readClaudeProcess(connection.transcript) })),
      observe(queue.prompts, () => this.set({ queue: this.readQueue() })),
      observe(queue.cancels, () => this.set({ queue: this.readQueue() })),
      observe(room.sideLines, () => this.set({ sideVersion: this.state.sideVersion + 1 })),
    );
    this.cleanups.push(connection.onWriteRefused((reason) => this.writeRefused(reason)));
    const onAwareness = () => this.set({ watchers: this.readWatchers() });
    connection.awareness.on('change', onAwareness);
    this.cleanups.push(() => connection.awareness.off('change', onAwareness));
    if (connection.status().kind === 'synced') this.openFeed();
  }

  private openFeed(): void {
    if (this.feed || this.disposed) return;
    performance.mark('tandem:synced');
    const feed = new TranscriptFeed(transcriptRoom(this.connection.transcript).lines);
    feed.setVerbose(this.state.verbose);
    this.feed = feed;
    this.cleanups.push(feed.subscribe(() => this.set({ feed: feed.view() })));
    this.set({ feed: feed.view() });
  }

  snapshot(): ViewerState {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setVerbose(verbose: boolean): void {
    this.feed?.setVerbose(verbose);
    this.set({ verbose });
  }

  /** Queues a prompt; returns what is wrong instead of throwing. */
  queuePrompt(text: string, project?: string): string | null {
    if (!this.state.canPrompt) return 'This link can only watch: ask the host for a prompter link to queue prompts.';
    const trimmed = text.trim();
    if (!trimmed) return 'Write a prompt first.';
    if (trimmed.length > MAX_PROMPT_CHARS) return `The prompt is ${trimmed.length} characters; the limit is ${MAX_PROMPT_CHARS}.`;
    const id = newPromptId();
    addPrompt(this.connection.queue, { id, text: trimmed, ...this.identity.bound, createdAt: Date.now(), kind: project ? 'new' : 'resume', ...(project ? { project } : {}) }, Origin.composer);
    this.wrote(id);
    return null;
  }

  /** Shows `name` (cleaned) to everyone watching as this viewer's self-chosen name; '' removes it. */
  setDisplayName(name: string): string {
    const displayName = cleanDisplayName(name);
    const user = PresenceState.shape.user.safeParse(this.connection.awareness.getLocalState()?.user);
    if (!user.success) return displayName;
    this.connection.awareness.setLocalStateField('user', { ...user.data, displayName: displayName || undefined });
    this.set({ displayName });
    return displayName;
  }

  cancel(promptId: string): void {
    if (!this.state.canPrompt) return;
    addCancel(this.connection.queue, { promptId, ...this.identity.bound, createdAt: Date.now() }, Origin.composer);
    this.wrote(`cancel:${promptId}`);
  }

  /** The requests the host asks this viewer's user about (the VS Code host's own viewer); none elsewhere. */
  setHostRequests(ids: Iterable<string>): void {
    if (!this.hostAnswerer) return;
    this.set({ hostRequests: new Set(ids) });
  }

  /** Answers a tool request: the host's own answer to the host, anyone else's through the queue room (the host decides whether it takes it). */
  answerTool(requestId: string, decision: ToolDecision, extra: ToolAnswerExtra = {}): void {
    if (this.hostAnswerer && this.state.hostRequests.has(requestId)) {
      this.hostAnswerer(requestId, decision, extra);
      this.set({ sentAnswers: new Map(this.state.sentAnswers).set(requestId, 'host') });
      return;
    }
    if (!this.state.canPrompt) return;
    const id = newPromptId();
    const { message, updatedInput } = extra;
    addAnswer(this.connection.queue, { id, requestId, decision, ...(message ? { message } : {}), ...(updatedInput ? { updatedInput } : {}), ...this.identity.bound, createdAt: Date.now() }, Origin.composer);
    this.set({ sentAnswers: new Map(this.state.sentAnswers).set(requestId, id) });
    this.wrote(id);
  }

  /** The subagent's transcript lines in the document, if the host has shared them yet. */
  subagentLines(agentId: string): Y.Array<string> | undefined {
    const side = transcriptRoom(this.connection.transcript).sideLines;
    const path = subagentPath(side.keys(), agentId);
    return path === undefined ? undefined : side.get(path);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.cleanups.splice(0)) c();
    this.feed?.dispose();
    this.listeners.clear();
  }

  /** A queue write sent: it counts as taken once the relay has judged it without refusing it. */
  private wrote(id: string): void {
    this.unsettled.push(id);
    // the relay sends a refusal before its answer to the flush, and the refusal's listener runs at once
    void this.connection.writesSettled().then(() => (this.unsettled = this.unsettled.filter((u) => u !== id)));
  }

  private writeRefused(reason: string): void {
    const refused = this.unsettled.splice(0);
    if (refused.length === 0) return;
    const map = new Map(this.state.refusedWrites);
    for (const id of refused) map.set(id, reason);
    this.set({ refusedWrites: map, queue: this.readQueue(map) });
  }

  private set(patch: Partial<ViewerState>): void {
    if (this.disposed) return;
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  private readQueue(refused: ReadonlyMap<string, string> = this.state?.refusedWrites ?? new Map()): QueueRow[] {
    const cancels = new Set(readCancels(this.connection.queue).valid.map((c) => c.promptId));
    return queueRows(readPrompts(this.connection.queue).valid, readRuns(this.connection.transcript), cancels, refused);
  }

  private readPendingApprovals(): PendingApproval[] {
    return [...readApprovals(this.connection.transcript).values()].filter((a) => a.state === 'pending').sort((a, b) => a.createdAt - b.createdAt);
  }

  private readWatchers(): Watcher[] {
    const self = this.connection.awareness.clientID;
    const out: Presence[] = [];
    this.connection.awareness.getStates().forEach((state, id) => {
      const r = PresenceState.safeParse(state);
      if (r.success) out.push({ ...r.data.user, id, self: id === self });
    });
    return groupWatchers(out);
  }
}

type Observable = { observe(fn: () => void): void; unobserve(fn: () => void): void };
type DeepObservable = { observeDeep(fn: () => void): void; unobserveDeep(fn: () => void): void };

function observe(type: Observable, fn: () => void): () => void {
  type.observe(fn);
  return () => type.unobserve(fn);
}

function observeDeep(type: DeepObservable, fn: () => void): () => void {
  type.observeDeep(fn);
  return () => type.unobserveDeep(fn);
}

function newPromptId(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(12)));
}
