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
};

export function queueRows(prompts: readonly PromptRequest[], runs: ReadonlyMap<string, RunStatus>, cancels: ReadonlySet<string>): QueueRow[] {
  return prompts.map((prompt) => {
    const run = runs.get(prompt.id);
    const state = run?.state ?? 'queued';
    const cancelRequested = cancels.has(prompt.id);
    return { prompt, state, run, cancelRequested, canCancel: !isTerminal(state) && !cancelRequested };
  });
}
