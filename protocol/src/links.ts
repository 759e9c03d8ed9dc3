import { z } from 'zod';
import { SHARE_ID_PATTERN, decodeToken, type TokenClaims } from './tokens';
import type { RoomKind } from './roles';

// A link is a browser URL on the relay: `http(s)://relay/s/<shareId>#t=<token>`. The token sits in the
// fragment, so it never reaches a server log or a Referer header. Websockets connect to
// `ws(s)://relay/ws/<shareId>/<room>`; the token goes in the Sec-WebSocket-Protocol header
// (`tandem.<token>`) or, for stock y-websocket clients, the `token` query parameter.

export const WS_PATH_PREFIX = '/ws';
export const SHARE_PATH_PREFIX = '/s/';
export const TOKEN_SUBPROTOCOL_PREFIX = 'tandem.';

export type ParsedLink = { relayUrl: string; shareId: string; token: string; claims: TokenClaims };

export function buildLink(relayUrl: string, shareId: string, token: string): string {
  return `${relayUrl.replace(/\/+$/, '')}${SHARE_PATH_PREFIX}${shareId}#t=${token}`;
}

export const LinkError = z.enum(['not-a-url', 'not-a-share-link', 'no-token', 'bad-token', 'token-for-other-share']);
export type LinkError = z.infer<typeof LinkError>;

/** Parses a share link. Returns the error kind instead of throwing. */
export function parseLink(link: string): { ok: true; link: ParsedLink } | { ok: false; error: LinkError } {
  const m = /^(https?:\/\/[^/?#\s]+)((?:\/[^/?#\s]+)*?)\/s\/([A-Za-z0-9_-]+)\/?(?:\?[^#]*)?(#.*)?$/.exec(link.trim());
  if (!/^https?:\/\//.test(link.trim())) return { ok: false, error: 'not-a-url' };
  if (!m || !SHARE_ID_PATTERN.test(m[3])) return { ok: false, error: 'not-a-share-link' };
  const fragment = new Map(
    (m[4] ?? '')
      .replace(/^#/, '')
      .split('&')
      .filter(Boolean)
      .map((kv) => {
        const i = kv.indexOf('=');
        return i < 0 ? [kv, ''] : [kv.slice(0, i), decodeURIComponent(kv.slice(i + 1))];
      }) as [string, string][],
  );
  const token = fragment.get('t');
  if (!token) return { ok: false, error: 'no-token' };
  const decoded = decodeToken(token);
  if (!decoded) return { ok: false, error: 'bad-token' };
  if (decoded.claims.sid !== m[3]) return { ok: false, error: 'token-for-other-share' };
  return { ok: true, link: { relayUrl: m[1] + m[2], shareId: m[3], token, claims: decoded.claims } };
}

export function roomName(shareId: string, room: RoomKind): string {
  return `${shareId}/${room}`;
}

/** `http://h:1/base` → `ws://h:1/base/ws`: the serverUrl to hand a WebsocketProvider. */
export function websocketBase(relayUrl: string): string {
  return relayUrl.replace(/^http/, 'ws').replace(/\/+$/, '') + WS_PATH_PREFIX;
}

/** Parses the path of a websocket upgrade: `/ws/<shareId>/<room>`. */
export function parseRoomPath(pathname: string): { shareId: string; room: RoomKind } | null {
  const m = /^\/ws\/([A-Za-z0-9_-]{43})\/(transcript|queue)\/?$/.exec(pathname);
  return m ? { shareId: m[1], room: m[2] as RoomKind } : null;
}
