import fs from 'node:fs/promises';
import type * as Y from 'yjs';
import {
  CancelRequest,
  Origin,
  PromptId,
  PromptRequest,
  addedEntries,
  canTransition,
  queueRoom,
  readRun,
  readRuns,
  setClaudeProcess,
  setRun,
  type ClaudeProcessState,
  type PermissionDenial,
  type RunState,
  type RunStatus,
  type ToolAnswerRecord,
  type ToolApprovalPolicy,
  visibleText,
} from '../../../../protocol/src';
import { isSessionId } from '../handoff/sessionId';
import { lockFolder } from '../state/tandemHome';
import type { Approver, Decision } from './approval';
import type { ClaudeOutcome, ClaudeSettings } from './claudeProcess';
import { ClaudeSession, type PermissionHandler } from './claudeSession';
import type { Logger } from './logger';
import { mentionRefusal } from './fileMentions';
import { checkNewSessionProject } from './newSessionProject';
import { fileMark, sessionBusyReason, type FileMark } from './sessionActivity';
import { acquireSessionLock, pause, type SessionLock } from './sessionLock';
import { noteStarted, readStarted } from './startedJournal';
import { ProcessPool, type PoolMember, type PoolSlot } from './processPool';
import { findTranscript, leafUuid } from './transcriptLeaf';
import { ToolApprovals, type HostToolAsker } from './toolApprovals';

// The host's prompt runner for one shared session (DESIGN.md §5). It reads prompts and cancels
// from the queue room, asks the approver, replays each approved prompt in the session's warm Claude
// Code process (claudeSession.ts; started when none is up, within the host's process cap) and writes
// every status into the transcript room's `runs`: queued → approved → running → done | failed |
// rejected | cancelled | interrupted. Prompts run one at a time in queue order, and never while
// another `claude` has the session open. A prompt runs at most once: a run found `approved` or
// `running` when the runner starts (the host stopped or crashed) becomes `interrupted`. Every tool
// Claude Code asks about becomes a shared approval (toolApprovals.ts); who answered is in the status.
//
// Work per queue change is proportional to the change: the runner reads the whole queue once when it
// starts, then only the entries each transaction adds (addedEntries), keeps the prompts still to run
// in a FIFO, and reads one status at a time.

export type SessionSwitch = {
  promptId: string;
  /** fork: Claude Code continued the shared session under a new id; new: a prompter started a session */
  reason: 'fork' | 'new';
  sessionId: string;
  previousSessionId?: string;
  cwd: string;
};

export type PromptRunnerOptions = {
  /** the transcript room; the runner writes `runs` there. Pass it synced with the relay, so
   *  statuses from before a restart are known. */
  transcriptDoc: Y.Doc;
  /** the queue room, synced with the relay */
  queueDoc: Y.Doc;
  /** the shared session; followed when Claude Code forks it */
  sessionId: string;
  /** the session's working directory on the host; resumes run there */
  cwd: string;
  /** the Claude folder the session lives in (its sessions/ registry says who has it open) */
  claudeDir: string;
  claude: ClaudeSettings;
  approver: Approver;
  log: Logger;
  /** projects where prompters may start new sessions; none by default */
  newSessionProjects?: readonly string[];
  /** the session's transcript file, when the host knows it; enables the "written just now" wait */
  transcriptPath?: () => string | undefined;
  /** where session lock files live; default <Tandem folder>/locks (see state/tandemHome.ts) */
  lockDir?: string;
  /** a local file noting each prompt before it starts (see startedJournal.ts); recommended */
  journalPath?: string;
  /** the host's environment, cleaned before `claude` gets it; default process.env */
  baseEnv?: NodeJS.ProcessEnv;
  /** how long the transcript must be still before a replay (when transcriptPath is set) */
  quietMs?: number;
  /** how often to look again while the session is busy */
  pollMs?: number;
  now?: () => number;
  /** the run wrote to another session than the shared one: the host follows that file. A fork's
   *  final status waits for a returned promise (bounded), so viewers get the new file's lines first. */
  onSessionSwitch?: (event: SessionSwitch) => void | Promise<void>;
  /** resolves once the shared session's file, as it is now, is in the transcript room (the host's
   *  publisher has read it); a run's final status waits for it (bounded), so nobody sees `done`
   *  without the reply */
  untilPublished?: () => Promise<void>;
  /** every status the runner writes, for the host's UI and logs */
  onStatus?: (status: RunStatus) => void;
  /** who may answer Claude Code's tool requests and what they may grant; default: the host only */
  toolApprovals?: ToolApprovalSettings;
  /** the host-wide cap on Claude Code processes, shared by all runners; default: one of its own */
  processPool?: ProcessPool;
  /** how long the warm process waits for a follow-up prompt (default 10 min) */
  idleMs?: number;
};

export type ToolApprovalSettings = {
  policy: ToolApprovalPolicy;
  /** unanswered requests are denied after this long (default 10 min) */
  timeoutMs?: number;
  /** tools remote approvers may allow; absent: any */
  remoteAllowedTools?: readonly string[];
  /** the host's own question (terminal, notification); absent: remote answers only */
  hostAsker?: HostToolAsker;
};

type Warm = { session: ClaudeSession; key: string | undefined; slot: PoolSlot };

type Patch = Partial<Omit<RunStatus, 'promptId' | 'updatedAt'>> & { state: RunState };

type Active = { prompt: PromptRequest; cancel: AbortController; cancelledBy?: string };

const TEXT_MAX = 8000;
const WRITE_WAIT_MS = 5000;
const DENIALS_MAX = 200;
const DENIAL_INPUT_MAX = 1000;

export class PromptRunner {
  private sessionId: string;
  private readonly cwd: string;
  private alwaysAllow = false;
  private active?: Active;
  private wake?: () => void;
  private disposed = false;
  private disposing?: Promise<void>;
  private loop: Promise<void> = Promise.resolve();
  private ownMark?: FileMark;
  private readonly now: () => number;
  private readonly approvals: ToolApprovals;
  private readonly pool: ProcessPool;
  private warm?: Warm;
  private readonly member: PoolMember = {
    isIdle: () => this.warm?.session.idle ?? false,
    sessionId: () => this.warm?.session.sessionId,
    evict: () => this.retire(),
  };
  /** every prompt id seen in the queue; the first entry with an id is the one that counts */
  private readonly seen = new Set<string>();
  /** prompts given `queued`, in queue order; the loop takes them from the front */
  private readonly pending: PromptRequest[] = [];
  /** cancel requests for prompts the queue has not shown yet */
  private readonly earlyCancels = new Map<string, CancelRequest>();
  private readonly onPrompts = (_e: unknown, tr: Y.Transaction) => this.take(addedEntries(tr, queueRoom(this.opts.queueDoc).prompts), []);
  private readonly onCancels = (_e: unknown, tr: Y.Transaction) => this.take([], addedEntries(tr, queueRoom(this.opts.queueDoc).cancels));

  /** Starts a runner: settles statuses a previous host left unfinished, then follows the queue. */
  static async start(opts: PromptRunnerOptions): Promise<PromptRunner> {
    const runner = new PromptRunner(opts);
    await runner.recover();
    runner.follow();
    return runner;
  }

  private constructor(private readonly opts: PromptRunnerOptions) {
    if (!isSessionId(opts.sessionId)) throw new Error(`"${opts.sessionId}" is not a Claude Code session id`);
    this.sessionId = opts.sessionId;
    this.cwd = opts.cwd;
    this.now = opts.now ?? Date.now;
    this.pool = opts.processPool ?? new ProcessPool();
    const tools = opts.toolApprovals ?? { policy: 'host' };
    this.approvals = new ToolApprovals({ ...tools, transcriptDoc: opts.transcriptDoc, queueDoc: opts.queueDoc, log: opts.log, now: this.now });
  }

  /** The warm Claude Code process, while one is up (for tests and the host's UI). */
  get claudePid(): number | undefined {
    return this.warm?.session.alive ? this.warm.session.pid : undefined;
  }

  /** The session resumes go to (changes when Claude Code forks it). */
  get currentSessionId(): string {
    return this.sessionId;
  }

  /** Stops following the queue. A running `claude` is stopped and its run marked interrupted;
   *  the statuses are written before this resolves, so await it before disconnecting the docs. */
  dispose(): Promise<void> {
    if (!this.disposing) {
      this.disposed = true;
      const queue = queueRoom(this.opts.queueDoc);
      queue.prompts.unobserve(this.onPrompts);
      queue.cancels.unobserve(this.onCancels);
      this.active?.cancel.abort();
      this.wake?.();
      this.disposing = this.loop.then(async () => {
        this.approvals.dispose();
        await this.retire();
        setClaudeProcess(this.opts.transcriptDoc, undefined, Origin.runner);
      });
    }
    return this.disposing;
  }

  private async recover(): Promise<void> {
    const started = this.opts.journalPath ? await readStarted(this.opts.journalPath) : new Set<string>();
    const runs = readRuns(this.opts.transcriptDoc);
    const prompts = new Map<string, PromptRequest>();
    for (const raw of queueRoom(this.opts.queueDoc).prompts.toArray()) {
      const p = PromptRequest.safeParse(raw);
      if (p.success && !prompts.has(p.data.id)) prompts.set(p.data.id, p.data);
    }
    this.opts.transcriptDoc.transact(() => {
      for (const run of runs.values()) {
        if (run.state === 'running' || run.state === 'approved' || (run.state === 'queued' && started.has(run.promptId))) {
          this.update(run.promptId, { state: 'interrupted', error: interruptedBecause(run.state) });
        }
      }
      for (const id of started) {
        const prompt = prompts.get(id);
        if (prompt && !runs.has(id)) this.write({ ...base(prompt, this.now()), state: 'interrupted', error: interruptedBecause('running') });
      }
      setClaudeProcess(this.opts.transcriptDoc, undefined, Origin.runner);
    }, Origin.runner);
    this.approvals.withdrawLeftovers();
  }

  private follow(): void {
    const queue = queueRoom(this.opts.queueDoc);
    queue.prompts.observe(this.onPrompts);
    queue.cancels.observe(this.onCancels);
    this.take(queue.prompts.toArray(), queue.cancels.toArray());
    this.loop = this.runLoop().catch((e: unknown) => this.opts.log.error('prompt runner: stopped following the queue', e));
  }

  /** New queue entries: every new prompt gets a status, malformed ones are refused, cancels applied. */
  private take(prompts: readonly unknown[], cancels: readonly unknown[]): void {
    if (this.disposed) return;
    // valid prompts first: a malformed entry must not claim the id of a good one next to it
    const parsed = prompts.map((raw) => ({ raw, prompt: PromptRequest.safeParse(raw) }));
    this.opts.transcriptDoc.transact(() => {
      for (const { prompt } of parsed) if (prompt.success) this.takePrompt(prompt.data);
      for (const { raw, prompt } of parsed) if (!prompt.success) this.refuseInvalid(raw, issues(prompt.error));
      for (const raw of cancels) {
        const cancel = CancelRequest.safeParse(raw);
        if (cancel.success) this.applyCancel(cancel.data);
        else this.opts.log.warn(`prompt runner: a cancel request was ignored, it is malformed: ${issues(cancel.error)}`);
      }
    }, Origin.runner);
    this.wake?.();
  }

  private takePrompt(prompt: PromptRequest): void {
    if (this.seen.has(prompt.id)) return;
    this.seen.add(prompt.id);
    const run = readRun(this.opts.transcriptDoc, prompt.id);
    if (!run) this.write({ ...base(prompt, this.now()), state: 'queued' });
    if (!run || run.state === 'queued') this.pending.push(prompt);
    const early = this.earlyCancels.get(prompt.id);
    if (early) this.applyCancel(early);
  }

  private applyCancel(cancel: CancelRequest): void {
    if (this.active?.prompt.id === cancel.promptId) {
      this.active.cancelledBy ??= cancel.author;
      this.active.cancel.abort();
    } else if (!this.seen.has(cancel.promptId)) {
      this.earlyCancels.set(cancel.promptId, cancel);
    } else if (readRun(this.opts.transcriptDoc, cancel.promptId)?.state === 'queued') {
      this.update(cancel.promptId, { state: 'cancelled', error: `Cancelled by ${cancel.author} before it ran.`, endedAt: this.now() });
    }
  }

  /** A malformed entry with an id nobody used gets a `rejected` status saying why; others are logged. */
  private refuseInvalid(raw: unknown, error: string): void {
    const id = PromptId.safeParse((raw as { id?: unknown } | null)?.id);
    if (id.success && !this.seen.has(id.data) && !readRun(this.opts.transcriptDoc, id.data)) {
      this.seen.add(id.data);
      this.write({ promptId: id.data, state: 'rejected', updatedAt: this.now(), error: `The host could not read this prompt: ${error}`.slice(0, TEXT_MAX) });
    } else if (!id.success) {
      this.opts.log.warn(`prompt runner: a queue entry was ignored, it is not a prompt: ${error}`);
    }
  }

  private nextQueued(): PromptRequest | undefined {
    while (this.pending.length > 0) {
      const next = this.pending.shift() as PromptRequest;
      if (readRun(this.opts.transcriptDoc, next.id)?.state === 'queued') return next;
    }
    return undefined;
  }

  private async runLoop(): Promise<void> {
    while (!this.disposed) {
      const next = this.nextQueued();
      if (!next) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const active: Active = { prompt: next, cancel: new AbortController() };
      this.active = active;
      try {
        await this.handle(active);
      } catch (e) {
        this.opts.log.error(`prompt runner: prompt ${next.id} failed unexpectedly`, e);
        this.update(next.id, { state: 'failed', error: `The host's prompt runner failed: ${(e as Error).message}`, endedAt: this.now() });
      } finally {
        this.active = undefined;
      }
    }
  }

  private async handle(active: Active): Promise<void> {
    const { prompt, cancel } = active;
    // a flood against a host that runs nothing costs it no file system work
    if (this.opts.approver.refusesAll) return void (await this.approve(active, this.cwd));
    const target = await this.target(prompt);
    if (!target.ok) return void this.update(prompt.id, { state: target.state, error: target.reason, endedAt: this.now() });
    if (!(await this.approve(active, target.cwd))) return;

    let lock: SessionLock | undefined;
    try {
      if (target.resume) lock = await this.waitForSession(active, target.resume);
      if (cancel.signal.aborted) return this.stopped(active, 'approved');
      // the project may have changed while the host was asked or the session was busy (a mentioned
      // path that did not exist may now be a link to a secret): the mentions are judged again at start
      const refusal = await this.mentionRefusal(prompt, target.cwd);
      if (refusal) return void this.update(prompt.id, { state: 'failed', error: `${refusal} (Checked again when the prompt was about to start.)`, endedAt: this.now() });
      await this.run(active, target.cwd, target.resume);
    } finally {
      await lock?.release();
    }
  }

  private async target(prompt: PromptRequest): Promise<{ ok: true; cwd: string; resume?: string } | { ok: false; state: 'rejected' | 'failed'; reason: string }> {
    const target = prompt.kind === 'resume' ? { ok: true as const, cwd: this.cwd, resume: this.sessionId } : await checkNewSessionProject(prompt.project, this.opts.newSessionProjects ?? []);
    if (!target.ok) return target;
    // checked before anyone is asked: a prompt that cannot run here is never offered for approval
    if (prompt.kind === 'resume' && !(await isFolder(target.cwd))) {
      return {
        ok: false,
        state: 'failed',
        reason: `The session's project folder ${target.cwd} no longer exists on the host, so Claude Code cannot resume it; start a new session instead.`,
      };
    }
    const refusal = await this.mentionRefusal(prompt, target.cwd);
    return refusal ? { ok: false, state: 'rejected', reason: refusal } : target;
  }

  private mentionRefusal(prompt: PromptRequest, cwd: string): Promise<string | undefined> {
    return mentionRefusal(prompt.text, cwd, (this.opts.baseEnv ?? process.env).HOME);
  }

  /** True when approved; otherwise the final status is written. */
  private async approve(active: Active, cwd: string): Promise<boolean> {
    const { prompt, cancel } = active;
    if (this.alwaysAllow) return this.approved(prompt, 'always-allow');
    let decision: Decision | undefined;
    try {
      decision = await this.opts.approver.approve({ prompt, project: cwd }, cancel.signal);
    } catch (e) {
      if (!cancel.signal.aborted) {
        this.update(prompt.id, { state: 'rejected', error: `The host could not decide on this prompt: ${(e as Error).message}`, endedAt: this.now() });
        return false;
      }
    }
    if (cancel.signal.aborted) {
      // a host that stops while asking leaves the prompt queued: nobody approved it, so asking again is safe
      if (!this.disposed) this.stopped(active, 'queued');
      return false;
    }
    if (decision === 'reject') {
      const why = this.opts.approver.by === 'policy' ? "The host's policy does not run prompts from the queue." : 'The host declined this prompt.';
      this.update(prompt.id, { state: 'rejected', error: why, endedAt: this.now() });
      return false;
    }
    if (decision === 'always') this.alwaysAllow = true;
    return this.approved(prompt, this.opts.approver.by);
  }

  private approved(prompt: PromptRequest, by: RunStatus['approvedBy']): boolean {
    return this.update(prompt.id, { state: 'approved', approvedBy: by });
  }

  /** Takes the session's lock, then waits until no other `claude` is writing the session. */
  private async waitForSession(active: Active, sessionId: string): Promise<SessionLock | undefined> {
    const { signal } = active.cancel;
    const pollMs = this.opts.pollMs ?? 250;
    const lockDir = this.opts.lockDir ?? lockFolder(this.opts.baseEnv ?? process.env);
    let lock: SessionLock | undefined;
    try {
      const onWait = (why: string) => this.update(active.prompt.id, { state: 'approved', waiting: why });
      lock = await acquireSessionLock(lockDir, sessionId, { signal, pollMs, onWait });
      for (let shown: string | undefined; ; ) {
        // our own warm process being current, the transcript's last writes are its own
        const ours = this.warm?.session.alive && (await this.untouched());
        const busy = await sessionBusyReason({
          claudeDir: this.opts.claudeDir,
          sessionId,
          transcriptPath: ours ? undefined : this.opts.transcriptPath?.(),
          ownMark: this.ownMark,
          ownPid: this.claudePid,
          quietMs: this.opts.quietMs ?? 2000,
          now: this.now(),
        });
        if (!busy) return lock;
        await this.pool.evictIdle(sessionId, this.member);
        if (busy !== shown) this.update(active.prompt.id, { state: 'approved', waiting: (shown = busy) });
        await pause(pollMs, signal);
      }
    } catch (e) {
      if (!signal.aborted) {
        await lock?.release();
        throw e;
      }
      return lock;
    }
  }

  private async run(active: Active, cwd: string, resume: string | undefined): Promise<void> {
    const { prompt, cancel } = active;
    let session: ClaudeSession;
    try {
      session = await this.sessionFor(active, cwd, resume);
    } catch (e) {
      if (cancel.signal.aborted) return this.stopped(active, 'approved');
      return void this.update(prompt.id, { state: 'failed', error: (e as Error).message, endedAt: this.now() });
    }
    if (this.opts.journalPath) await noteStarted(this.opts.journalPath, prompt.id);
    this.update(prompt.id, { state: 'running', startedAt: this.now() });
    this.opts.log.info(`prompt runner: running prompt ${prompt.id} from ${visibleText(prompt.author)} (${resume ? `resume ${resume}` : 'new session'} in ${cwd}, pid ${session.pid ?? '?'})`);
    const answers: ToolAnswerRecord[] = [];
    const onPermission: PermissionHandler = async (request, signal) => {
      const { answer, record } = await this.approvals.request(prompt, request, signal);
      answers.push(record);
      this.update(prompt.id, { state: 'running', toolAnswers: answers.slice(-200) });
      return answer;
    };
    // a stop ends the process: its open questions go unanswered, so no tool of this prompt runs later
    const stop = () => void session.stop();
    // a cancel that came while the journal was written still stops the run
    if (cancel.signal.aborted) stop();
    else cancel.signal.addEventListener('abort', stop, { once: true });
    const outcome = await session.turn(prompt.text, onPermission).finally(() => cancel.signal.removeEventListener('abort', stop));
    const sessionId = outcome.sessionId ?? resume;
    if (outcome.status === 'ok') await this.untilWritten(sessionId, session.leaf);
    const file = await this.transcriptOf(sessionId);
    this.ownMark = file ? await fileMark(file) : undefined;
    // a new session's process belongs to that session, not to the shared one
    if (outcome.status !== 'ok' || !resume) await this.retire();
    else if (this.warm) this.warm.key = sessionKey(cwd, outcome.sessionId ?? resume);
    await this.finish(active, cwd, resume, outcome);
  }

  /** The warm process for (cwd, session) when it is still current, else a new one within the host's cap. */
  private async sessionFor(active: Active, cwd: string, resume: string | undefined): Promise<ClaudeSession> {
    const key = resume ? sessionKey(cwd, resume) : undefined;
    const warm = this.warm;
    if (warm && key && warm.key === key && warm.session.alive && (await this.untouched())) return warm.session;
    await this.retire();
    const slot = await this.pool.acquire(this.member, {
      signal: active.cancel.signal,
      onWait: (waiting) => this.update(active.prompt.id, { state: 'approved', waiting }),
    });
    let session: ClaudeSession;
    try {
      session = ClaudeSession.start({
        settings: this.opts.claude,
        baseEnv: this.opts.baseEnv ?? process.env,
        claudeDir: this.opts.claudeDir,
        cwd,
        resume,
        log: this.opts.log,
        idleMs: this.opts.idleMs,
        onState: (state, s) => this.processState(state, s, slot),
      });
    } catch (e) {
      slot.release();
      throw e;
    }
    this.warm = { session, key, slot };
    return session;
  }

  /** Nobody else wrote the conversation since our process's last turn (its memory of the session is current). */
  private async untouched(): Promise<boolean> {
    const leaf = this.warm?.session.leaf;
    const file = await this.transcriptOf(this.warm?.session.sessionId);
    return !file || !leaf || (await leafUuid(file)) === leaf;
  }

  private async transcriptOf(sessionId: string | undefined): Promise<string | undefined> {
    if (sessionId === this.sessionId && this.opts.transcriptPath) return this.opts.transcriptPath();
    return sessionId ? findTranscript(this.opts.claudeDir, sessionId) : undefined;
  }

  /** Claude Code reports a turn before its last lines are in the transcript (a new session's file may not
   *  exist yet): wait for them (bounded), so stopping the process does not lose them. */
  private async untilWritten(sessionId: string | undefined, leaf: string | undefined): Promise<void> {
    const until = Date.now() + WRITE_WAIT_MS;
    while (leaf && Date.now() < until) {
      const file = await this.transcriptOf(sessionId);
      if (file && (await leafUuid(file)) === leaf) return;
      await pause(20);
    }
  }

  private async retire(): Promise<void> {
    const warm = this.warm;
    this.warm = undefined;
    await warm?.session.stop();
  }

  private processState(state: ClaudeProcessState, session: ClaudeSession, slot: PoolSlot): void {
    if (state === 'stopped') {
      slot.release();
      if (this.warm?.session === session) this.warm = undefined;
    } else if (state === 'idle') this.pool.idleNow();
    if (this.disposed && state !== 'stopped') return;
    setClaudeProcess(this.opts.transcriptDoc, { state, pid: session.pid, since: this.now(), idleUntil: session.idleUntil }, Origin.runner);
  }

  private async finish(active: Active, cwd: string, resume: string | undefined, outcome: ClaudeOutcome): Promise<void> {
    const { prompt } = active;
    // a session id counts only once Claude Code started (init); a failed --resume reports ids it never wrote to
    const wrote = outcome.init ? outcome.sessionId : undefined;
    const details = {
      endedAt: this.now(),
      sessionId: wrote,
      costUsd: outcome.costUsd,
      permissionDenials: outcome.permissionDenials.length ? compactDenials(outcome.permissionDenials) : undefined,
    };
    // Claude Code answers SIGINT either by dying or by reporting an error result: once a stop was asked
    // for, a failure is the stop's doing, not the prompt's
    const failed = outcome.status === 'failed' && !active.cancel.signal.aborted;
    if (wrote && resume && wrote !== resume) {
      this.sessionId = wrote;
      this.opts.log.info(`prompt runner: Claude Code continued session ${resume} as ${wrote}; following it`);
      await bounded(this.opts.onSessionSwitch?.({ promptId: prompt.id, reason: 'fork', sessionId: wrote, previousSessionId: resume, cwd }), this.opts.log, 'following the fork');
    }
    // what a replay wrote to the shared session is shared before its end is
    if (resume) await bounded(this.opts.untilPublished?.(), this.opts.log, 'sharing what the run wrote');
    if (outcome.status === 'ok') this.update(prompt.id, { ...details, state: 'done', resultText: outcome.result?.text?.slice(0, TEXT_MAX) });
    else if (failed) this.update(prompt.id, { ...details, state: 'failed', error: outcome.error?.slice(0, TEXT_MAX) });
    else this.stopped(active, 'running', details);
    this.opts.log.info(`prompt runner: prompt ${prompt.id} ${outcome.status}${outcome.skippedLines ? ` (${outcome.skippedLines} unreadable output lines)` : ''}`);

    if (wrote && !resume) void this.opts.onSessionSwitch?.({ promptId: prompt.id, reason: 'new', sessionId: wrote, cwd });
  }

  /** The run was cancelled by a prompter, or the host is stopping. */
  private stopped(active: Active, from: RunState, details: Partial<RunStatus> = {}): void {
    const patch: Patch = this.disposed
      ? { ...details, state: 'interrupted', error: from === 'running' ? 'The host stopped while this prompt was running; it is not run again.' : 'The host stopped before running this prompt; queue it again if it is still wanted.' }
      : { ...details, state: 'cancelled', error: `${from === 'running' ? 'Stopped' : 'Cancelled'} by ${active.cancelledBy ?? 'a prompter'}.`, endedAt: this.now() };
    this.update(active.prompt.id, patch);
  }

  /** Moves a run to a new state if the state machine allows it; false when it does not. */
  private update(promptId: string, patch: Patch): boolean {
    const current = readRun(this.opts.transcriptDoc, promptId);
    if (!current) return false;
    if (current.state !== patch.state && !canTransition(current.state, patch.state)) {
      this.opts.log.debug(`prompt runner: prompt ${promptId} stays ${current.state} (not ${patch.state})`);
      return false;
    }
    // `waiting` describes the present only: a patch that does not repeat it clears it
    this.write({ ...current, waiting: undefined, ...patch, promptId, updatedAt: this.now() });
    return true;
  }

  private write(status: RunStatus): void {
    const clean = Object.fromEntries(Object.entries(status).filter(([, v]) => v !== undefined)) as RunStatus;
    setRun(this.opts.transcriptDoc, clean, Origin.runner);
    this.opts.onStatus?.(clean);
  }
}

function sessionKey(cwd: string, sessionId: string): string {
  return `${cwd}\n${sessionId}`;
}

function base(prompt: PromptRequest, now: number): Omit<RunStatus, 'state'> {
  return { promptId: prompt.id, updatedAt: now, author: prompt.author, tokenId: prompt.tokenId, kind: prompt.kind };
}

function issues(error: { issues: ReadonlyArray<{ message: string }> }): string {
  return error.issues.map((i) => i.message).join('; ');
}

function interruptedBecause(state: RunState): string {
  return state === 'approved'
    ? 'The host stopped after approving this prompt, before it finished; it is not run again. Queue it again if it is still wanted.'
    : 'The host stopped while this prompt was running (it may have partly run); it is not run again. Queue it again if it is still wanted.';
}

/** Waits for a host hook, at most WRITE_WAIT_MS: a stuck publisher delays a status, never blocks it, and a failing one is reported, not thrown. */
async function bounded(work: Promise<void> | void, log: Logger, what: string): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  const failed = work.catch((e: unknown) => log.warn(`prompt runner: ${what} failed: ${e instanceof Error ? e.message : String(e)}`));
  await Promise.race([failed, new Promise((resolve) => (timer = setTimeout(resolve, WRITE_WAIT_MS)))]).finally(() => clearTimeout(timer));
}

/** Denied tool inputs can be whole files: each is cut to a preview so a status stays small. */
function compactDenials(denials: PermissionDenial[]): PermissionDenial[] {
  return denials.slice(0, DENIALS_MAX).map((d) => {
    const json = JSON.stringify(d.input) ?? '';
    return json.length <= DENIAL_INPUT_MAX ? d : { ...d, input: { preview: `${json.slice(0, DENIAL_INPUT_MAX)}…` } };
  });
}

async function isFolder(dir: string): Promise<boolean> {
  return fs.stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
