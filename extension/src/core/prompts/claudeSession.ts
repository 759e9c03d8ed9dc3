import crypto from 'node:crypto';
import type { ClaudeProcessState } from '../../../../protocol/src';
import { ClaudeProcess, describeFailure, type ClaudeOutcome, type ClaudeRunRequest } from './claudeProcess';
import type { ClaudeInit, ClaudeResult, PermissionRequest, StreamEvent } from './streamJson';

// A warm Claude Code process for one session, driven over stream-json (docs/claude-permissions.md,
// checked against Claude Code 2.1.197): each prompt is a user message, each turn ends with a
// `result`, and every tool that needs permission arrives as a `can_use_tool` control request that
// waits for our control response. One turn at a time; idle for `idleMs`, the process is let go.

export type PermissionAnswer =
  | { behavior: 'allow'; updatedInput: Record<string, unknown>; updatedPermissions?: unknown[] }
  | { behavior: 'deny'; message: string; interrupt?: boolean };

/** Answers one permission question; `signal` aborts when Claude Code withdraws it or the turn stops. */
export type PermissionHandler = (request: PermissionRequest, signal: AbortSignal) => Promise<PermissionAnswer>;

export type ClaudeSessionOptions = Omit<ClaudeRunRequest, 'onEvent'> & {
  /** how long an idle process stays up for a follow-up prompt (default 10 min) */
  idleMs?: number;
  /** every state change, for viewers */
  onState?: (state: ClaudeProcessState, session: ClaudeSession) => void;
};

type Turn = {
  onPermission: PermissionHandler;
  questions: Map<string, AbortController>;
  init?: ClaudeInit;
  interrupted: boolean;
  resolve: (outcome: ClaudeOutcome) => void;
};

export const DEFAULT_IDLE_MS = 10 * 60_000;

export class ClaudeSession {
  private readonly proc: ClaudeProcess;
  private turnNow?: Turn;
  private stateNow: ClaudeProcessState = 'starting';
  private idleTimer?: NodeJS.Timeout;
  private idleSince = 0;
  private lastSessionId?: string;
  private lastAssistant?: string;
  private exit?: ClaudeOutcome;
  /** turns sent to this process, for tests and the bench */
  turns = 0;

  static start(opts: ClaudeSessionOptions): ClaudeSession {
    return new ClaudeSession(opts);
  }

  private constructor(private readonly opts: ClaudeSessionOptions) {
    this.lastSessionId = opts.resume;
    this.proc = ClaudeProcess.start({ ...opts, onEvent: (e) => this.onEvent(e) });
    void this.proc.done.then((exit) => this.onExit(exit));
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get alive(): boolean {
    return this.proc.running && this.stateNow !== 'stopped';
  }

  get state(): ClaudeProcessState {
    return this.stateNow;
  }

  get idle(): boolean {
    return this.alive && !this.turnNow;
  }

  /** when an idle process will be let go */
  get idleUntil(): number | undefined {
    return this.stateNow === 'idle' ? this.idleSince + (this.opts.idleMs ?? DEFAULT_IDLE_MS) : undefined;
  }

  /** The uuid of the last assistant message this process wrote: its conversation's leaf. */
  get leaf(): string | undefined {
    return this.lastAssistant;
  }

  /** The session the process writes to (Claude Code may continue it under a new id). */
  get sessionId(): string | undefined {
    return this.lastSessionId;
  }

  /** Sends one prompt and resolves when its turn ends. Aborting `signal` interrupts the turn. */
  turn(text: string, onPermission: PermissionHandler, signal?: AbortSignal): Promise<ClaudeOutcome> {
    if (this.turnNow) throw new Error('claude session: a turn is already running');
    if (!this.alive) return Promise.resolve(this.gone());
    clearTimeout(this.idleTimer);
    this.turns++;
    return new Promise<ClaudeOutcome>((resolve) => {
      const turn: Turn = { onPermission, questions: new Map(), interrupted: false, resolve };
      this.turnNow = turn;
      this.setState('working');
      const interrupt = () => {
        turn.interrupted = true;
        this.abortQuestions(turn);
        this.proc.send({ type: 'control_request', request_id: crypto.randomUUID(), request: { subtype: 'interrupt' } });
      };
      if (signal?.aborted) interrupt();
      else signal?.addEventListener('abort', interrupt, { once: true });
      const sent = this.proc.send({ type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, session_id: this.lastSessionId ?? '' });
      if (!sent) this.finishTurn(this.gone());
    });
  }

  /** Ends the process now (signals, then its whole process group): open questions are dropped unanswered.
   *  An idle process is killed outright: exiting gracefully, Claude Code appends a few bookkeeping
   *  lines to the transcript, which a host that is stopping would no longer publish. */
  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    if (this.turnNow) this.abortQuestions(this.turnNow);
    await (this.turnNow ? this.proc.stop() : this.proc.kill());
  }

  private onEvent(event: StreamEvent): void {
    const turn = this.turnNow;
    if (event.kind === 'init') {
      this.lastSessionId = event.init.sessionId;
      if (turn) turn.init ??= event.init;
    } else if (event.kind === 'permission') {
      if (turn) this.ask(turn, event.request);
      else this.answer(event.request.requestId, { behavior: 'deny', message: 'No prompt is running on the host.' });
    } else if (event.kind === 'permission-cancel') {
      turn?.questions.get(event.requestId)?.abort();
    } else if (event.kind === 'other' && event.type === 'assistant' && event.uuid) {
      this.lastAssistant = event.uuid;
    } else if (event.kind === 'result' && turn) {
      if (event.result.sessionId) this.lastSessionId = event.result.sessionId;
      this.finishTurn(this.outcomeOf(turn, event.result));
      this.goIdle();
    }
  }

  private ask(turn: Turn, request: PermissionRequest): void {
    const asked = new AbortController();
    turn.questions.set(request.requestId, asked);
    this.setState('waiting-approval');
    const settle = (answer: PermissionAnswer) => {
      if (!turn.questions.delete(request.requestId) || asked.signal.aborted) return;
      this.answer(request.requestId, answer);
      if (this.turnNow === turn && turn.questions.size === 0) this.setState('working');
    };
    turn.onPermission(request, asked.signal).then(settle, (e: Error) => settle({ behavior: 'deny', message: `The host could not ask for permission: ${e.message}` }));
  }

  private answer(requestId: string, answer: PermissionAnswer): void {
    this.proc.send({ type: 'control_response', response: { subtype: 'success', request_id: requestId, response: answer } });
  }

  private abortQuestions(turn: Turn): void {
    for (const q of turn.questions.values()) q.abort();
    turn.questions.clear();
  }

  private outcomeOf(turn: Turn, result: ClaudeResult): ClaudeOutcome {
    const base = { exitCode: null, signal: null, init: turn.init, result, sessionId: result.sessionId ?? turn.init?.sessionId, costUsd: result.costUsd, permissionDenials: result.permissionDenials, skippedLines: 0 };
    if (!result.isError) return { ...base, status: 'ok' };
    if (turn.interrupted) return { ...base, status: 'stopped' };
    return { ...base, status: 'failed', error: describeFailure(this.opts.settings.command, { result, exitCode: null, signal: null, stderr: '' }) };
  }

  private finishTurn(outcome: ClaudeOutcome): void {
    const turn = this.turnNow;
    if (!turn) return;
    this.turnNow = undefined;
    this.abortQuestions(turn);
    turn.resolve(outcome);
  }

  private goIdle(): void {
    if (!this.proc.running) return;
    this.idleSince = Date.now();
    this.setState('idle');
    this.idleTimer = setTimeout(() => {
      this.opts.log.debug(`claude: pid ${this.pid ?? '?'} idle for ${this.opts.idleMs ?? DEFAULT_IDLE_MS} ms; letting it go`);
      this.proc.endInput();
    }, this.opts.idleMs ?? DEFAULT_IDLE_MS);
    this.idleTimer.unref();
  }

  private onExit(exit: ClaudeOutcome): void {
    this.exit = exit;
    clearTimeout(this.idleTimer);
    const turn = this.turnNow;
    if (turn) {
      const stopped = turn.interrupted || exit.status === 'stopped';
      this.finishTurn({ ...exit, init: turn.init ?? exit.init, status: stopped ? 'stopped' : 'failed', error: stopped ? undefined : exit.error ?? `claude exited with code ${exit.exitCode ?? exit.signal} before the prompt finished.` });
    }
    this.setState('stopped');
  }

  private gone(): ClaudeOutcome {
    const error = this.exit?.error ?? 'The Claude Code process for this session has exited.';
    return { status: 'failed', exitCode: this.exit?.exitCode ?? null, signal: this.exit?.signal ?? null, permissionDenials: [], skippedLines: 0, error };
  }

  private setState(state: ClaudeProcessState): void {
    if (this.stateNow === state || this.stateNow === 'stopped') return;
    this.stateNow = state;
    this.opts.onState?.(state, this);
  }
}
