import crypto from 'node:crypto';
import type * as Y from 'yjs';
import {
  ASK_USER_QUESTION,
  AskedQuestions,
  EXIT_PLAN_MODE,
  MAX_PLAN,
  Origin,
  PlanAnswer,
  QuestionAnswers,
  ToolAnswer,
  visibleText,
  addedEntries,
  queueRoom,
  readApprovals,
  setApproval,
  type PendingApproval,
  type RefusedAnswer,
  type ToolAnswerRecord,
  type ToolApprovalPolicy,
  type ToolDecision,
} from '../../../../protocol/src';
import type { PermissionAnswer } from './claudeSession';
import type { Logger } from './logger';
import type { PermissionRequest } from './streamJson';
import { describeToolInput } from './toolInputView';

// The host's side of remote tool approvals (DESIGN.md §5). Each permission question Claude Code asks
// during a replay becomes a pending approval in the transcript room; answers come from the queue room
// (prompters, when the host allows it) or from the host's own UI. The host checks every answer: the
// request must still be pending, the answerer allowed to answer, and a remote "allow" must name a
// tool the host lets remote people grant. The first valid answer wins; the ones after it are refused
// with a reason their sender sees. No answer in time is a denial that says so.

export const DEFAULT_APPROVAL_TIMEOUT_MS = 10 * 60_000;

/** An answer from the host's own UI (terminal, VS Code notification). */
export type HostToolAnswer = { decision: ToolDecision; message?: string; updatedInput?: Record<string, unknown> };

/** The prompt whose run asks: the host's question names who queued it. */
export type AskingPrompt = { id: string; author: string };

/** The host's own way to answer: resolves undefined when it will not (the question was withdrawn);
 *  `signal` aborts once the request is settled in any other way (a remote answer, the timeout, a stop). */
export type HostToolAsker = { ask(approval: PendingApproval, signal: AbortSignal, prompt: AskingPrompt): Promise<HostToolAnswer | undefined> };

export type ToolApprovalOptions = {
  transcriptDoc: Y.Doc;
  queueDoc: Y.Doc;
  /** who may answer besides the host's own UI */
  policy: ToolApprovalPolicy;
  /** unanswered requests are denied after this long (default 10 min) */
  timeoutMs?: number;
  /** tools a remote answer may allow; absent: any tool Claude Code asks about */
  remoteAllowedTools?: readonly string[];
  hostAsker?: HostToolAsker;
  log: Logger;
  now?: () => number;
};

export type ToolApprovalOutcome = { answer: PermissionAnswer; record: ToolAnswerRecord };

type Open = {
  approval: PendingApproval;
  request: PermissionRequest;
  settle: (decision: Settled) => void;
};

type Settled = { decision: ToolDecision | 'expired' | 'withdrawn'; by?: string; answerId?: string; message?: string; updatedInput?: Record<string, unknown> };

const REFUSED_MAX = 50;

export class ToolApprovals {
  private readonly open = new Map<string, Open>();
  private readonly seenAnswers = new Set<string>();
  private readonly now: () => number;
  private readonly onAnswers = (_e: unknown, tr: Y.Transaction) => this.takeAnswers(addedEntries(tr, queueRoom(this.opts.queueDoc).answers));

  constructor(private readonly opts: ToolApprovalOptions) {
    this.now = opts.now ?? Date.now;
    // only the answers each change adds: the ones from before this host started belong to requests it never made
    queueRoom(opts.queueDoc).answers.observe(this.onAnswers);
  }

  /** Requests a previous host left pending can no longer be answered: its Claude Code is gone. */
  withdrawLeftovers(): void {
    this.opts.transcriptDoc.transact(() => {
      for (const a of readApprovals(this.opts.transcriptDoc).values()) {
        if (a.state === 'pending' && !this.open.has(a.id)) this.write({ ...a, state: 'withdrawn', message: 'The host stopped before this request was answered; the tool did not run.' });
      }
    }, Origin.runner);
  }

  /** Publishes the request and resolves with the first valid answer (or the timeout's denial). */
  request(prompt: AskingPrompt, request: PermissionRequest, signal: AbortSignal): Promise<ToolApprovalOutcome> {
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
    const createdAt = this.now();
    const view = describeToolInput(request.toolName, request.input);
    const approval: PendingApproval = {
      // hex: people type it after `tandem approve`, where a base64url id starting with '-' reads as an option
      id: crypto.randomBytes(6).toString('hex'),
      promptId: prompt.id,
      toolName: request.toolName.slice(0, 200),
      ...(request.toolUseId ? { toolUseId: request.toolUseId.slice(0, 200) } : {}),
      ...view,
      ...personView(request),
      reason: request.reason?.slice(0, 2000),
      suggestions: describeSuggestions(request.suggestions),
      createdAt,
      deadline: createdAt + timeoutMs,
      state: 'pending',
      answerers: this.opts.policy,
    };
    return new Promise<ToolApprovalOutcome>((resolve) => {
      const hostAsk = new AbortController();
      const timer = setTimeout(() => settle({ decision: 'expired', message: `Nobody answered within ${Math.round(timeoutMs / 1000)} s, so the host denied it.` }), timeoutMs);
      const onAbort = () => settle({ decision: 'withdrawn', message: 'The prompt stopped before this request was answered; the tool did not run.' });
      const settle = (s: Settled) => {
        if (!this.open.delete(approval.id)) return;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        hostAsk.abort();
        const state = s.decision === 'allow' || s.decision === 'allow-session' ? 'allowed' : s.decision === 'deny' ? 'denied' : s.decision;
        const finalMessage = s.decision === 'deny' ? (s.message ?? `Denied by ${s.by ?? 'the host'}.`) : s.message;
        this.write({ ...approval, ...(this.current(approval.id) ?? {}), state, decision: isDecision(s.decision) ? s.decision : undefined, answeredBy: s.by, answerId: s.answerId, answeredAt: this.now(), message: finalMessage?.slice(0, 2000) });
        this.opts.log.info(`tool approvals: ${request.toolName} request ${approval.id} ${state}${s.by ? ` by ${s.by}` : ''}`);
        resolve({ answer: this.toAnswer(request, s, finalMessage), record: { requestId: approval.id, toolName: approval.toolName, decision: s.decision, by: s.by } });
      };
      this.open.set(approval.id, { approval, request, settle });
      this.write(approval);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      if (!this.opts.hostAsker && this.opts.policy === 'host') {
        return settle({ decision: 'deny', by: 'the host', message: 'Nobody on the host can answer tool requests (it shares with --tool-approvals host and has no one to ask), so it was denied.' });
      }
      this.opts.hostAsker?.ask(approval, hostAsk.signal, prompt).then(
        (a) => a && settle({ ...a, by: 'the host' }),
        (e: Error) => this.opts.log.warn(`tool approvals: the host's own question failed: ${e.message}`),
      );
    });
  }

  dispose(): void {
    queueRoom(this.opts.queueDoc).answers.unobserve(this.onAnswers);
    for (const o of [...this.open.values()]) o.settle({ decision: 'withdrawn', message: 'The host stopped before this request was answered; the tool did not run.' });
  }

  private takeAnswers(values: readonly unknown[]): void {
    if (!values.length) return;
    this.opts.transcriptDoc.transact(() => {
      for (const value of values) {
        const answer = ToolAnswer.safeParse(value);
        if (!answer.success) this.opts.log.warn(`tool approvals: a queue entry was ignored, it is not an answer: ${answer.error.issues.map((i) => i.message).join('; ')}`);
        else if (!this.seenAnswers.has(answer.data.id)) {
          this.seenAnswers.add(answer.data.id);
          this.take(answer.data);
        }
      }
    }, Origin.runner);
  }

  private take(answer: ToolAnswer): void {
    const open = this.open.get(answer.requestId);
    const known = open?.approval ?? readApprovals(this.opts.transcriptDoc).get(answer.requestId);
    if (!known) return void this.opts.log.warn(`tool approvals: an answer from ${answer.author} names request ${answer.requestId}, which this share never asked`);
    const refusal = open ? this.refusalFor(answer, open) : `request ${answer.requestId} was already ${this.current(known.id)?.state ?? known.state}${known.answeredBy ? ` by ${known.answeredBy}` : ''}`;
    if (refusal) return this.refuse(known.id, answer, refusal);
    open!.settle({ decision: answer.decision, by: answer.author, answerId: answer.id, message: answer.message, updatedInput: answer.updatedInput });
  }

  private refusalFor(answer: ToolAnswer, open: Open): string | undefined {
    if (this.opts.policy === 'host') return 'the host answers tool requests itself (it shares with --tool-approvals host)';
    const allowed = this.opts.remoteAllowedTools;
    if (answer.decision !== 'deny' && allowed && !allowed.includes(open.request.toolName)) return `the host does not let remote approvers allow ${open.request.toolName}; only ${allowed.join(', ') || 'no tools'}`;
    if (answer.decision !== 'deny') return personInput(open.request, answer.updatedInput).problem;
    return undefined;
  }

  private refuse(id: string, answer: ToolAnswer, reason: string): void {
    const current = this.current(id);
    if (!current) return;
    const entry: RefusedAnswer = { answerId: answer.id, author: answer.author, reason: reason.slice(0, 500) };
    const refused = [...(current.refused ?? []), entry].slice(-REFUSED_MAX);
    this.write({ ...current, refused });
    this.opts.log.info(`tool approvals: answer ${answer.id} from ${answer.author} refused: ${reason}`);
  }

  private current(id: string): PendingApproval | undefined {
    return readApprovals(this.opts.transcriptDoc).get(id) ?? this.open.get(id)?.approval;
  }

  private write(approval: PendingApproval): void {
    setApproval(this.opts.transcriptDoc, approval, Origin.runner);
  }

  private toAnswer(request: PermissionRequest, s: Settled, message: string | undefined): PermissionAnswer {
    if (s.decision !== 'allow' && s.decision !== 'allow-session') return { behavior: 'deny', message: message ?? 'Denied.' };
    const person = personInput(request, s.updatedInput);
    if (person.problem) this.opts.log.warn(`tool approvals: the host's own answer to ${request.toolName} was used without its input: ${person.problem}`);
    const answer: PermissionAnswer = { behavior: 'allow', updatedInput: person.input };
    if (s.decision === 'allow-session') answer.updatedPermissions = sessionRules(request.suggestions);
    return answer;
  }
}

function isDecision(d: Settled['decision']): d is ToolDecision {
  return d === 'allow' || d === 'allow-session' || d === 'deny';
}

type PersonInput = { input: Record<string, unknown>; problem?: string };

/** Only AskUserQuestion's answers and ExitPlanMode's plan may come from the answerer, checked against
 *  their schemas and the questions Claude asked; any other tool runs the input Claude asked for. */
export function personInput(request: PermissionRequest, updated: Record<string, unknown> | undefined): PersonInput {
  const input = request.input;
  if (!updated || (request.toolName !== ASK_USER_QUESTION && request.toolName !== EXIT_PLAN_MODE)) return { input };
  // zod paths carry the answer's own keys: network text, shown to people
  const refuse = (why: string): PersonInput => ({ input, problem: visibleText(`its answer to ${request.toolName} ${why}`.slice(0, 400), { singleLine: true }) });
  if (request.toolName === EXIT_PLAN_MODE) {
    const plan = PlanAnswer.safeParse(updated);
    return plan.success ? { input: { ...input, plan: plan.data.plan } } : refuse(`is not a plan: ${issues(plan.error)}`);
  }
  const answers = QuestionAnswers.safeParse(updated);
  if (!answers.success) return refuse(`is not a set of answers: ${issues(answers.error)}`);
  const asked = new Set(questionTexts(input.questions));
  const stranger = Object.keys(answers.data.answers).find((q) => !asked.has(q));
  if (stranger !== undefined) return refuse(`answers a question Claude did not ask: ${stranger.slice(0, 100)}`);
  return { input: { ...input, answers: answers.data.answers } };
}

function questionTexts(questions: unknown): string[] {
  if (!Array.isArray(questions)) return [];
  return questions.map((q) => (typeof q === 'object' && q !== null ? (q as { question?: unknown }).question : undefined)).filter((q): q is string => typeof q === 'string');
}

function issues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || 'input'}: ${i.message}`)
    .join('; ');
}

/** The form's questions and the plan's text, for viewers: parsed from Claude's input and bounded;
 *  nothing when they do not parse (the card then shows the input as text). */
export function personView(request: PermissionRequest): Pick<PendingApproval, 'questions' | 'plan'> {
  if (request.toolName === ASK_USER_QUESTION) {
    const questions = AskedQuestions.safeParse(request.input.questions);
    return questions.success ? { questions: questions.data } : {};
  }
  const plan = request.input.plan;
  if (request.toolName === EXIT_PLAN_MODE && typeof plan === 'string') return { plan: plan.length > MAX_PLAN ? `${plan.slice(0, MAX_PLAN - 1)}…` : plan };
  return {};
}

type Suggestion = { type?: unknown; behavior?: unknown; rules?: unknown; destination?: unknown };

/** "Allow for this session" grants the allow rules Claude Code suggested, for this session only: never a
 *  mode change (no way to skip permissions), never a directory, never written to the host's settings files. */
export function sessionRules(suggestions: readonly unknown[]): unknown[] {
  return suggestions
    .filter((s): s is Suggestion => typeof s === 'object' && s !== null)
    .filter((s) => s.type === 'addRules' && s.behavior === 'allow' && Array.isArray(s.rules))
    .map((s) => ({ type: 'addRules', behavior: 'allow', rules: s.rules, destination: 'session' }));
}

function describeSuggestions(suggestions: readonly unknown[]): string[] | undefined {
  const rules = sessionRules(suggestions).flatMap((s) => (s as { rules: unknown[] }).rules);
  const text = rules
    .map((r) => (typeof r === 'object' && r !== null ? r : {}) as { toolName?: unknown; ruleContent?: unknown })
    .filter((r) => typeof r.toolName === 'string')
    .map((r) => (typeof r.ruleContent === 'string' ? `${r.toolName as string}(${r.ruleContent})` : (r.toolName as string)).slice(0, 500))
    .slice(0, 20);
  return text.length ? text : undefined;
}
