import { z } from 'zod';
import { ApprovalId, ToolAnswer } from './toolApprovals';

// Messages between the VS Code extension host and the session viewer webview: one zod union per
// direction, parsed on arrival on both sides. The handshake: the webview posts `ready` once its
// script runs; the host answers with `init` (and again whenever the panel should show another
// share). The viewer then connects to the relay by itself, exactly as the browser tab does.
// A local session (opened from the Sessions view, not shared) has no relay: the host sends `local` with
// the transcript document's state and `localUpdate` with each change, and the viewer shows it read-only.

const ViewerConnection = z.enum(['connecting', 'synced', 'offline', 'unreachable', 'expired', 'revoked', 'damaged', 'refused']);
export type ViewerConnection = z.infer<typeof ViewerConnection>;

/** A Yjs update (VS Code posts typed arrays as they are); bounded like one relay frame. */
const YUpdate = z.custom<Uint8Array>((u) => u instanceof Uint8Array, 'not a Uint8Array').refine((u) => u.byteLength <= 256 * 1024 * 1024, 'update larger than 256 MiB');

/** A question waiting for the host's answer, shown as a card in the host's own viewer of that share. */
export const PendingCard = z.object({
  id: z.string().min(1).max(200),
  kind: z.string().max(100),
  label: z.string().max(1000),
  detail: z.string().max(2000),
  /** button labels; the webview answers with the index of the one clicked */
  answers: z.array(z.string().min(1).max(100)).min(1).max(5),
  /** a tool request of the share's transcript room: the viewer answers it on that request's own card
   *  (with the host's say) instead of drawing this one */
  approvalId: ApprovalId.optional(),
});
export type PendingCard = z.infer<typeof PendingCard>;

export const HostToWebview = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    /** the share link, with its relay URL already mapped through `asExternalUri` */
    link: z.string().min(1).max(8192),
    /** how this viewer appears in "who is watching" */
    userName: z.string().max(100).optional(),
    /** this VS Code's viewer id and self-chosen display name (every Tandem webview in it shares them) */
    viewer: z.object({ viewerId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), displayName: z.string().max(400) }).optional(),
  }),
  /** the user ran "Tandem: Queue Prompt": focus the composer (ignored on observer links) */
  z.object({ type: z.literal('focusComposer') }),
  /** show a local session read-only: the transcript document's full state */
  z.object({ type: z.literal('local'), update: YUpdate }),
  /** a change to the local session's document */
  z.object({ type: z.literal('localUpdate'), update: YUpdate }),
  /** what waits for the host's answer on the share this viewer shows (empty: nothing) */
  z.object({ type: z.literal('pending'), cards: z.array(PendingCard).max(50) }),
]);
export type HostToWebview = z.infer<typeof HostToWebview>;

export const WebviewToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** so the host can title its panel and show the connection state */
  z.object({
    type: z.literal('status'),
    connection: ViewerConnection,
    title: z.string().max(500).optional(),
    /** what went wrong, in words a person can act on (expired/revoked/refused links) */
    detail: z.string().max(2000).optional(),
  }),
  /** the person set their display name in the viewer: keep it for every Tandem webview */
  z.object({ type: z.literal('setDisplayName'), displayName: z.string().max(400) }),
  /** the host clicked an answer on a pending card */
  z.object({ type: z.literal('answer'), id: z.string().min(1).max(200), answer: z.number().int().min(0).max(4) }),
  /** the host answered one of its own tool requests (a pending card's `approvalId`) on the request's card */
  z.object({ type: z.literal('toolAnswer'), approvalId: ApprovalId, decision: ToolAnswer.shape.decision, message: ToolAnswer.shape.message, updatedInput: ToolAnswer.shape.updatedInput }),
  /** an error the host should log (never transcript content) */
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string().max(4000) }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHost>;

/** One handler per message type, so forgetting one is a compile error. */
export type MessageHandlers<M extends { type: string }> = { [T in M['type']]: (message: Extract<M, { type: T }>) => void };

/** Parses `data` with `schema` and calls its handler; returns the parse error text instead of throwing. */
export function dispatchMessage<M extends { type: string }>(schema: z.ZodType<M>, handlers: MessageHandlers<M>, data: unknown): string | null {
  const r = schema.safeParse(data);
  if (!r.success) return r.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ');
  const handler = handlers[r.data.type as M['type']] as (m: M) => void;
  handler(r.data);
  return null;
}
