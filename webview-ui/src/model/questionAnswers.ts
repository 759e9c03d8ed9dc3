import type { AskedQuestion } from '../../../protocol/src';

// A filled-in AskUserQuestion form as Claude Code takes it back in `updatedInput`: answers keyed by
// the question's exact text; a multi-select's labels in option order joined by ", " as Claude Code's own
// form does; the person's own words ("Other") in place of, or after, the chosen labels. A question left
// blank is left out, which Claude reads as not answered.

export type QuestionChoice = { picked: readonly string[]; other: string };

export function questionAnswers(questions: readonly AskedQuestion[], choices: readonly (QuestionChoice | undefined)[]): { answers: Record<string, string> } {
  const answers: Record<string, string> = {};
  questions.forEach((q, i) => {
    const choice = choices[i];
    if (!choice) return;
    const labels = q.options.map((o) => o.label).filter((l) => choice.picked.includes(l));
    const other = choice.other.trim();
    const parts = q.multiSelect ? [...labels, ...(other ? [other] : [])] : [other || labels[0]].filter(Boolean);
    if (parts.length) answers[q.question] = parts.join(', ');
  });
  return { answers };
}
