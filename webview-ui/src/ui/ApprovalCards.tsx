import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { PendingApproval, ToolDecision } from '../../../protocol/src';
import type { ToolAnswerExtra } from '../data/sessionStore';
import { shownName, shownText } from '../model/format';
import { QuestionForm, type QuestionFormHandle } from './QuestionForm';
import { Markdown } from './Text';

// Claude Code's tool requests during a remote prompt, as cards: the tool, what it would do (Bash as
// the command, Edit/Write as a diff, AskUserQuestion as a form, ExitPlanMode as the plan), why it asks
// and until when, every text of it escaped (a bidi override must not make a command read as another).
// A prompter link may answer when the host lets prompters answer; the VS Code host's own viewer answers
// the requests its extension names (`hostRequests`), whatever its link, and the answer goes to the
// extension rather than the queue room; everyone else sees who may. The same card shows at its tool call
// in the transcript and in the queue row of its prompt (on its own above the queue when it has no row);
// the answer sent and the host's refusal of it are the store's, so every copy agrees. Keyboard, on the
// focused card: `y` allows (answers the form, approves the plan), `a` allows for the session, `n` denies
// (with the message typed, if any). A new card takes the focus only when nothing else has it, and
// answering one moves the focus to the next.

export type ApprovalCardsProps = {
  approvals: PendingApproval[];
  /** this link may answer (a prompter link, and the host lets prompters answer) */
  canAnswer: boolean;
  /** requests this viewer answers as the host (the VS Code host's own viewer), whatever the link */
  hostRequests: ReadonlySet<string>;
  /** the answer this viewer sent to each request */
  sentAnswers: ReadonlyMap<string, string>;
  /** this viewer's writes the relay refused, by id, with its reason */
  refusedWrites: ReadonlyMap<string, string>;
  onAnswer: (requestId: string, decision: ToolDecision, extra?: ToolAnswerExtra) => void;
  /** where the cards are: at their tool call in the transcript, in a queue row, or on their own */
  place: 'transcript' | 'queue' | 'list';
};

type CardProps = Omit<ApprovalCardsProps, 'approvals' | 'place'>;

/** The pending requests by the tool call they are about, and how to answer them: for the transcript's rows. */
export const ToolRequests = createContext<{ byToolUse: ReadonlyMap<string, PendingApproval>; cards: CardProps } | null>(null);

/** The request waiting on this tool call, drawn under it in the transcript. */
export function InlineApproval({ toolUseId }: { toolUseId: string }) {
  const requests = useContext(ToolRequests);
  const approval = requests?.byToolUse.get(toolUseId);
  if (!requests || !approval) return null;
  return <ApprovalCards approvals={[approval]} place="transcript" {...requests.cards} />;
}

export function ApprovalCards({ approvals, ...rest }: ApprovalCardsProps) {
  if (approvals.length === 0) return null;
  return (
    <section class={`approvals approvals-${rest.place}`} aria-label="Tool requests waiting for an answer">
      {approvals.map((a) => (
        <ApprovalCard key={a.id} approval={a} {...rest} />
      ))}
    </section>
  );
}

const KEYS: Record<string, ToolDecision> = { y: 'allow', a: 'allow-session', n: 'deny' };

type Kind = 'questions' | 'plan' | 'tool';
const kindOf = (a: PendingApproval): Kind => (a.questions ? 'questions' : a.plan !== undefined ? 'plan' : 'tool');
const DEFAULT_DENY: Record<Kind, string | undefined> = { questions: 'The person declined to answer.', plan: 'Keep planning: the plan is not approved yet.', tool: undefined };

function ApprovalCard({ approval: a, canAnswer: linkAnswers, hostRequests, sentAnswers, refusedWrites, onAnswer }: CardProps & { approval: PendingApproval }) {
  const asHost = hostRequests.has(a.id);
  const canAnswer = linkAnswers || asHost;
  const [message, setMessage] = useState('');
  const card = useRef<HTMLDivElement>(null);
  const form = useRef<QuestionFormHandle>(null);
  const kind = kindOf(a);
  const sentId = sentAnswers.get(a.id);
  const refusal = sentId ? a.refused?.find((r) => r.answerId === sentId) : undefined;
  const relayRefusal = sentId ? refusedWrites.get(sentId) : undefined;
  const sent = sentId !== undefined && !refusal && !relayRefusal;
  useEffect(() => {
    if (canAnswer && (document.activeElement === null || document.activeElement === document.body)) card.current?.focus();
  }, [canAnswer]);
  const answer = (decision: ToolDecision) => {
    if (sent || (decision === 'allow-session' && kind !== 'tool')) return;
    const typed = message.trim();
    const extra: ToolAnswerExtra = {};
    if (decision === 'deny') extra.message = typed || DEFAULT_DENY[kind];
    if (decision !== 'deny' && kind === 'questions') extra.updatedInput = form.current?.answers();
    onAnswer(a.id, decision, extra);
    focusNext(card.current);
  };
  const onKey = (e: KeyboardEvent) => {
    const t = e.target;
    if (!canAnswer || t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || e.ctrlKey || e.metaKey || e.altKey) return;
    const decision = KEYS[e.key.toLowerCase()];
    if (decision) {
      e.preventDefault();
      answer(decision);
    }
  };
  const label = kind === 'questions' ? 'Claude Code asks you' : kind === 'plan' ? 'Claude Code asks you to approve its plan' : `Claude Code asks to use ${a.toolName}`;
  return (
    <div class={`approval-card approval-kind-${kind}`} ref={card} tabIndex={0} onKeyDown={onKey} data-request-id={a.id} role="group" aria-label={label}>
      <div class="approval-top">
        <span class="badge accent">{kind === 'plan' ? 'Plan' : kind === 'questions' ? 'Question' : a.toolName}</span>
        {a.path && <span class="approval-path">{shownName(a.path)}</span>}
        <span class="muted small">denied at {new Date(a.deadline).toLocaleTimeString()} without an answer</span>
      </div>
      {a.reason && kind === 'tool' && <div class="approval-reason">{shownText(a.reason)}</div>}
      {kind === 'questions' && <QuestionForm questions={a.questions!} disabled={!canAnswer || sent} handle={form} />}
      {kind === 'plan' && (
        <div class="approval-plan">
          <Markdown text={a.plan!} />
        </div>
      )}
      {kind === 'tool' && <pre class={a.diff && !a.command ? 'approval-input diff' : 'approval-input'}>{shownText(a.command ?? a.diff ?? a.input)}</pre>}
      {kind === 'tool' && a.suggestions?.length ? <div class="muted small">Allow for this session adds: {shownName(a.suggestions.join(', '))}</div> : null}
      {canAnswer ? (
        <div class="approval-actions">
          <button type="button" class="button small" disabled={sent} onClick={() => answer('allow')} title="y">
            {kind === 'questions' ? 'Answer' : kind === 'plan' ? 'Approve plan' : 'Allow'}
          </button>
          {kind === 'tool' && (
            <button type="button" class="button ghost small" disabled={sent} onClick={() => answer('allow-session')} title="a">
              Allow for this session
            </button>
          )}
          <input
            class="approval-message"
            placeholder={kind === 'plan' ? 'What to change (told to Claude)' : 'Why not (told to Claude)'}
            value={message}
            onInput={(e) => setMessage((e.target as HTMLInputElement).value)}
            maxLength={2000}
            aria-label="Message to Claude"
          />
          <button type="button" class="button ghost small" disabled={sent} onClick={() => answer('deny')} title="n">
            {kind === 'questions' ? 'Decline' : kind === 'plan' ? 'Keep planning' : 'Deny'}
          </button>
          {sent && <span class="muted small">{asHost ? 'answered; waiting for Claude Code…' : 'sent; waiting for the host…'}</span>}
          {refusal && (
            <span class="approval-refused small" role="alert">
              The host did not take your answer: {shownText(refusal.reason)}
            </span>
          )}
          {relayRefusal && (
            <span class="approval-refused small" role="alert">
              The relay did not take your answer: {shownText(relayRefusal)}
            </span>
          )}
        </div>
      ) : (
        <div class="muted small">{a.answerers === 'host' ? 'The host answers this request.' : 'A prompter or the host answers this request.'}</div>
      )}
    </div>
  );
}

/** After an answer, the focus goes to the next card still waiting in the same list, if any. */
function focusNext(from: HTMLElement | null): void {
  const cards = [...(from?.parentElement?.querySelectorAll<HTMLElement>('.approval-card') ?? [])];
  const next = cards[cards.indexOf(from!) + 1];
  next?.focus();
}
