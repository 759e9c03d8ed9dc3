import { useEffect, useRef, useState } from 'preact/hooks';
import type { PendingApproval, ToolDecision } from '../../../protocol/src';

// Claude Code's tool requests during a remote prompt, as cards above the queue: the tool, what it
// would do (Bash as the command, Edit/Write as a diff), why it asks and until when. A prompter link
// may answer when the host lets prompters answer; everyone else sees who may. Keyboard: with a card
// focused, `y` allows, `a` allows for the session, `n` denies (with the message typed, if any).

export type ApprovalCardsProps = {
  approvals: PendingApproval[];
  /** this link may answer (a prompter link, and the host lets prompters answer) */
  canAnswer: boolean;
  onAnswer: (requestId: string, decision: ToolDecision, message?: string) => void;
};

export function ApprovalCards({ approvals, canAnswer, onAnswer }: ApprovalCardsProps) {
  if (approvals.length === 0) return null;
  return (
    <section class="approvals" aria-label="Tool requests waiting for an answer">
      {approvals.map((a) => (
        <ApprovalCard key={a.id} approval={a} canAnswer={canAnswer} onAnswer={onAnswer} />
      ))}
    </section>
  );
}

const KEYS: Record<string, ToolDecision> = { y: 'allow', a: 'allow-session', n: 'deny' };

function ApprovalCard({ approval: a, canAnswer, onAnswer }: { approval: PendingApproval; canAnswer: boolean; onAnswer: ApprovalCardsProps['onAnswer'] }) {
  const [message, setMessage] = useState('');
  const [sent, setSent] = useState<ToolDecision | null>(null);
  const card = useRef<HTMLDivElement>(null);
  useEffect(() => card.current?.focus(), []);
  const answer = (decision: ToolDecision) => {
    if (sent) return;
    setSent(decision);
    onAnswer(a.id, decision, decision === 'deny' && message.trim() ? message.trim() : undefined);
  };
  const onKey = (e: KeyboardEvent) => {
    if (!canAnswer || e.target instanceof HTMLInputElement || e.ctrlKey || e.metaKey || e.altKey) return;
    const decision = KEYS[e.key.toLowerCase()];
    if (decision) {
      e.preventDefault();
      answer(decision);
    }
  };
  const shown = a.command ?? a.diff ?? a.input;
  return (
    <div class="approval-card" ref={card} tabIndex={0} onKeyDown={onKey} data-request-id={a.id} role="group" aria-label={`Claude Code asks to use ${a.toolName}`}>
      <div class="approval-top">
        <span class="badge accent">{a.toolName}</span>
        {a.path && <span class="approval-path">{a.path}</span>}
        <span class="muted small">denied at {new Date(a.deadline).toLocaleTimeString()} without an answer</span>
      </div>
      {a.reason && <div class="approval-reason">{a.reason}</div>}
      <pre class={a.diff && !a.command ? 'approval-input diff' : 'approval-input'}>{shown}</pre>
      {a.suggestions?.length ? <div class="muted small">Allow for this session adds: {a.suggestions.join(', ')}</div> : null}
      {canAnswer ? (
        <div class="approval-actions">
          <button type="button" class="button small" disabled={sent !== null} onClick={() => answer('allow')} title="y">
            Allow
          </button>
          <button type="button" class="button ghost small" disabled={sent !== null} onClick={() => answer('allow-session')} title="a">
            Allow for this session
          </button>
          <input class="approval-message" placeholder="Why not (told to Claude)" value={message} onInput={(e) => setMessage((e.target as HTMLInputElement).value)} maxLength={2000} />
          <button type="button" class="button ghost small" disabled={sent !== null} onClick={() => answer('deny')} title="n">
            Deny
          </button>
          {sent && <span class="muted small">sent; waiting for the host…</span>}
        </div>
      ) : (
        <div class="muted small">{a.answerers === 'host' ? 'The host answers this request.' : 'A prompter or the host answers this request.'}</div>
      )}
    </div>
  );
}
