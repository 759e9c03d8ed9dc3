import { z } from 'zod';
import { TokenId } from './tokens';
import { ApprovalId, ToolAnswerRecord } from './toolApprovals';

// What prompters write into the queue room, and the statuses the host writes back into `runs`.
// A queue entry is a request, never an order: the host parses it and applies its own policy.

export const MAX_PROMPT_CHARS = 256 * 1024;

export const PromptId = ApprovalId;

export const PromptRequest = z.object({
  id: PromptId,
  text: z.string().min(1, 'the prompt is empty').max(MAX_PROMPT_CHARS, `a prompt is at most ${MAX_PROMPT_CHARS} characters`),
  /** the writer's link name (linkName of its token); the relay refuses any other */
  author: z.string().min(1).max(100),
  /** the writer's token id (`jti`); the relay refuses any other */
  tokenId: TokenId,
  /** ms since the epoch, as the prompter's clock says */
  createdAt: z.number().int().nonnegative(),
  /** resume: continue the shared session; new: start a session in `project` */
  kind: z.enum(['resume', 'new']),
  project: z.string().max(4096).optional(),
});
export type PromptRequest = z.infer<typeof PromptRequest>;

export const CancelRequest = z.object({
  promptId: PromptId,
  author: z.string().min(1).max(100),
  tokenId: TokenId,
  createdAt: z.number().int().nonnegative(),
});
export type CancelRequest = z.infer<typeof CancelRequest>;

export const RunState = z.enum(['queued', 'approved', 'running', 'done', 'failed', 'rejected', 'cancelled', 'interrupted']);
export type RunState = z.infer<typeof RunState>;

export const TERMINAL_STATES: readonly RunState[] = ['done', 'failed', 'rejected', 'cancelled', 'interrupted'];

const transitions: Record<RunState, readonly RunState[]> = {
  // queued → interrupted: the host's own journal says it started the run, but the relay never got the status
  queued: ['approved', 'rejected', 'cancelled', 'failed', 'interrupted'],
  approved: ['running', 'cancelled', 'failed', 'interrupted'],
  running: ['done', 'failed', 'cancelled', 'interrupted'],
  done: [],
  failed: [],
  rejected: [],
  cancelled: [],
  interrupted: [],
};

export function isTerminal(state: RunState): boolean {
  return TERMINAL_STATES.includes(state);
}

export function canTransition(from: RunState, to: RunState): boolean {
  return transitions[from].includes(to);
}

export const PermissionDenial = z.looseObject({
  toolName: z.string(),
  toolUseId: z.string().optional(),
  input: z.unknown().optional(),
});
export type PermissionDenial = z.infer<typeof PermissionDenial>;

export const RunStatus = z.object({
  promptId: PromptId,
  state: RunState,
  /** ms since the epoch, host clock */
  updatedAt: z.number().int().nonnegative(),
  author: z.string().max(100).optional(),
  /** the token id of the link that queued the prompt, so the host can show and revoke it */
  tokenId: TokenId.optional(),
  kind: z.enum(['resume', 'new']).optional(),
  /** who approved: the policy or a person on the host */
  approvedBy: z.enum(['policy', 'user', 'always-allow']).optional(),
  startedAt: z.number().int().nonnegative().optional(),
  endedAt: z.number().int().nonnegative().optional(),
  /** what went wrong, in words a person can act on */
  error: z.string().max(8192).optional(),
  /** why an approved run has not started yet (e.g. Claude Code has the session open on the host) */
  waiting: z.string().max(500).optional(),
  permissionDenials: z.array(PermissionDenial).max(200).optional(),
  costUsd: z.number().nonnegative().optional(),
  /** the session the run wrote to (differs from the shared one after a fork or for `new`) */
  sessionId: z.string().max(100).optional(),
  /** every tool request of the run and who answered it */
  toolAnswers: z.array(ToolAnswerRecord).max(200).optional(),
  /** the run's final text answer, shortened */
  resultText: z.string().max(8192).optional(),
});
export type RunStatus = z.infer<typeof RunStatus>;
