import type { PromptRequest } from '../../../../protocol/src';

// The host decides whether a queued prompt runs. A queue entry is a request, never an order.

/** approve: run this one; reject: do not; always: run this one and every later one of this share */
export type Decision = 'approve' | 'reject' | 'always';

export type ApprovalRequest = {
  prompt: PromptRequest;
  /** the folder the prompt would run in */
  project: string;
};

export type Approver = {
  /** recorded in the run status: a fixed policy, or a person on the host */
  readonly by: 'policy' | 'user';
  /** a policy that runs nothing: prompts are refused before anything on disk is looked at for them */
  readonly refusesAll?: true;
  /** `signal` aborts when the prompt is cancelled while the question is open */
  approve(request: ApprovalRequest, signal: AbortSignal): Promise<Decision>;
};

export const PROMPT_POLICIES = ['ask', 'auto', 'never'] as const;
export type PromptPolicy = (typeof PROMPT_POLICIES)[number];

export const autoApprover: Approver = { by: 'policy', approve: async () => 'approve' };

export const neverApprover: Approver = { by: 'policy', refusesAll: true, approve: async () => 'reject' };

/** The approver for a host's policy; `ask` is the host's own (a terminal question, a notification). */
export function approverFor(policy: PromptPolicy, ask: Approver): Approver {
  return policy === 'auto' ? autoApprover : policy === 'never' ? neverApprover : ask;
}
