import type { MutableRef } from 'preact/hooks';
import { useId, useState } from 'preact/hooks';
import type { AskedQuestion } from '../../../protocol/src';
import { shownName, shownText } from '../model/format';
import { questionAnswers, type QuestionChoice } from '../model/questionAnswers';

// AskUserQuestion as a form: each question with its header, its options (radio buttons, or checkboxes
// for a multi-select) with their descriptions, and "Other" for the person's own words, as Claude Code's
// terminal form offers. The card reads the answers through `handle` when the person sends them.

export type QuestionFormHandle = { answers(): { answers: Record<string, string> } };

const OTHER = '\u0000other';

export function QuestionForm({ questions, disabled, handle }: { questions: AskedQuestion[]; disabled: boolean; handle: MutableRef<QuestionFormHandle | null> }) {
  // radio groups are per copy of the form: the same request shows at its tool call and in the queue
  const form = useId();
  const [choices, setChoices] = useState<QuestionChoice[]>(() => questions.map(() => ({ picked: [], other: '' })));
  const [otherOn, setOtherOn] = useState<boolean[]>(() => questions.map(() => false));
  handle.current = { answers: () => questionAnswers(questions, choices.map((c, i) => ({ picked: c.picked, other: otherOn[i] ? c.other : '' }))) };
  const update = (i: number, patch: Partial<QuestionChoice>) => setChoices((all) => all.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const pick = (i: number, q: AskedQuestion, label: string, on: boolean) => {
    if (label === OTHER) {
      setOtherOn((all) => all.map((o, j) => (j === i ? on : o)));
      if (!q.multiSelect && on) update(i, { picked: [] });
      return;
    }
    if (!q.multiSelect) setOtherOn((all) => all.map((o, j) => (j === i ? false : o)));
    const picked = choices[i].picked;
    update(i, { picked: q.multiSelect ? (on ? [...picked, label] : picked.filter((p) => p !== label)) : [label] });
  };
  return (
    <div class="question-form">
      {questions.map((q, i) => {
        const type = q.multiSelect ? 'checkbox' : 'radio';
        const name = `${form}-q${i}`;
        return (
          <fieldset class="question" key={q.question} disabled={disabled}>
            <legend>
              {q.header && <span class="badge">{shownName(q.header)}</span>} <span class="question-text">{shownText(q.question)}</span>
              {q.multiSelect && <span class="muted small"> (choose any)</span>}
            </legend>
            {q.options.map((o) => (
              <label class="question-option" key={o.label}>
                <input type={type} name={name} checked={choices[i].picked.includes(o.label)} onChange={(e) => pick(i, q, o.label, (e.target as HTMLInputElement).checked)} />
                <span class="question-label">{shownName(o.label)}</span>
                {o.description && <span class="muted small question-description">{shownText(o.description)}</span>}
              </label>
            ))}
            <label class="question-option question-other">
              <input type={type} name={name} checked={otherOn[i]} onChange={(e) => pick(i, q, OTHER, (e.target as HTMLInputElement).checked)} aria-label="Other" />
              <input
                class="question-other-text"
                placeholder="Other: your own answer"
                value={choices[i].other}
                maxLength={2000}
                onFocus={() => pick(i, q, OTHER, true)}
                onInput={(e) => update(i, { other: (e.target as HTMLInputElement).value })}
                aria-label={`Your own answer to: ${shownName(q.question)}`}
              />
            </label>
          </fieldset>
        );
      })}
    </div>
  );
}
