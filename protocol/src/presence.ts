import { z } from 'zod';
import { Role } from './roles';
import { linkName, type TokenClaims } from './tokens';

// Awareness state each client publishes: who is watching, from where. The relay binds it to the
// connection (bindPresence): `role` is the token's role and `name` its link name (a host keeps the
// label it chose: it signs the links), whatever the client claimed. The fields a client chooses are
// `displayName`, shown as self-chosen (the relay bounds it and strips control and bidi characters),
// and `viewerId`, a random id kept on the person's device (one person's tabs count once).
// Viewers still parse every state: a state that did not come through the relay is not trusted.

export const MAX_DISPLAY_NAME = 60;

const Client = z.enum(['vscode', 'browser', 'cli', 'host']);
const ViewerId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

export const PresenceState = z.object({
  user: z.object({
    /** bound by the relay: the link's name */
    name: z.string().max(100),
    /** bound by the relay: the link's role */
    role: Role,
    client: Client,
    /** chosen by the person; show it as such, never as who they are */
    displayName: z.string().max(MAX_DISPLAY_NAME).optional(),
    /** stable per person and device (kept locally by the viewer): one person's sidebar and tab count once */
    viewerId: ViewerId.optional(),
  }),
});
export type PresenceState = z.infer<typeof PresenceState>;

/** What a client may claim; everything else in its state is replaced or dropped. */
const Claimed = z.object({
  user: z.looseObject({ name: z.string().max(100).optional(), client: Client, displayName: z.string().optional(), viewerId: z.unknown().optional() }),
});

// C0/C1 controls, bidi embeddings/overrides/isolates and marks, zero-width characters, line/paragraph separators
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** A name from a person, made safe to show: unsafe characters removed, whitespace collapsed, bounded. */
export function cleanDisplayName(text: string): string {
  return [...text.replace(UNSAFE, '').replace(/\s+/g, ' ').trim()].slice(0, MAX_DISPLAY_NAME).join('');
}

/** The state the relay stores for a client's claimed `state`, or null to drop it (not a presence,
 *  or a non-host claiming to be the host's client). */
export function bindPresence(state: unknown, claims: Pick<TokenClaims, 'role' | 'jti' | 'name'>): PresenceState | null {
  const r = Claimed.safeParse(state);
  if (!r.success) return null;
  const { client, displayName, name } = r.data.user;
  const viewerId = ViewerId.safeParse(r.data.user.viewerId);
  if (client === 'host' && claims.role !== 'host') return null;
  const bound = claims.role === 'host' && name ? cleanDisplayName(name) || linkName(claims) : linkName(claims);
  const shown = displayName === undefined ? '' : cleanDisplayName(displayName);
  return { user: { name: bound, role: claims.role, client, ...(shown ? { displayName: shown } : {}), ...(viewerId.success ? { viewerId: viewerId.data } : {}) } };
}
