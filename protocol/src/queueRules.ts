import type { z } from 'zod';
import { CancelRequest, PromptRequest } from './prompts';
import { linkName, type TokenClaims } from './tokens';
import { ToolAnswer } from './toolApprovals';

// The queue room's arrays and what each may hold (DESIGN.md §3). From a prompter the relay accepts
// only appends to these arrays, of entries that parse with the array's schema and carry the writer's
// bound author (its link name) and token id; anything else in an update refuses the whole update.
// The host parses every entry again and treats it as a request. A new kind of entry is one line here
// (and, if it needs more than the schema, one rule in relay/src/queueWriteRules.ts).

/** What every queue entry carries so the host and the relay know who wrote it. */
export type BoundEntry = { author: string; tokenId: string };

export const QUEUE_ARRAYS = {
  prompts: PromptRequest,
  cancels: CancelRequest,
  answers: ToolAnswer,
} as const satisfies Record<string, z.ZodType<BoundEntry>>;

export type QueueArrayName = keyof typeof QUEUE_ARRAYS;

export const QUEUE_ARRAY_NAMES = Object.keys(QUEUE_ARRAYS) as QueueArrayName[];

export function isQueueArrayName(name: string): name is QueueArrayName {
  return Object.hasOwn(QUEUE_ARRAYS, name);
}

/** The author and token id a writer with these claims must put in its entries. */
export function boundAuthor(claims: Pick<TokenClaims, 'role' | 'jti' | 'name'>): BoundEntry {
  return { author: linkName(claims), tokenId: claims.jti };
}

/** How many of a token's prompts may wait (queued or running) at once, unless the relay is told otherwise. */
export const DEFAULT_MAX_PENDING_PROMPTS = 20;
