import { isTerminal, type PromptRequest, type RunState, type RunStatus } from '../../../protocol/src';

// The queue as a prompter sees it: every prompt in the queue room joined with the host's status for
// it from the transcript room. A prompt the host has not looked at yet is `queued`; a cancel request
// the host has not acted on shows as pending.

export type QueueRow = {
  prompt: PromptRequest;
  state: RunState;
  run?: RunStatus;
  cancelRequested: boolean;
  canCancel: boolean;
  /** this viewer's prompt (or its cancel) the relay refused, and why: it never reached the host */
  refused?: string;
};

export function queueRows(
  prompts: readonly PromptRequest[],
  runs: ReadonlyMap<string, RunStatus>,
  cancels: ReadonlySet<string>,
  refusedWrites: ReadonlyMap<string, string> = new Map(),
): QueueRow[] {
  return prompts.map((prompt) => {
    const run = runs.get(prompt.id);
    const refused = run ? undefined : refusedWrites.get(prompt.id);
    const state = run?.state ?? (refused ? 'rejected' : 'queued');
    const cancelRefused = refusedWrites.get(`cancel:${prompt.id}`);
    const cancelRequested = cancels.has(prompt.id) && !cancelRefused;
    return { prompt, state, run, cancelRequested, canCancel: !isTerminal(state) && !cancelRequested, refused: refused ?? (cancelRefused && `The cancel was not sent: ${cancelRefused}`) };
  });
}
