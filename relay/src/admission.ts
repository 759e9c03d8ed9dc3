import { parseRoomPath, roomName, TOKEN_SUBPROTOCOL_PREFIX, type Role, type RoomKind, type TokenClaims } from '../../protocol/src';
import { accessKeyMatches } from './auth/accessKey';
import type { HostNames } from './auth/hostNames';
import { isOriginAllowed, type OriginPolicy } from './auth/originPolicy';
import type { Revocations } from './auth/revocations';
import type { TokenVerifier } from './auth/tokenVerifier';
import { refuse, type Verdict } from './auth/verdict';
import type { RoomRegistry } from './roomRegistry';

// Who may open a room socket, decided before the socket exists. The websocket upgrade and the
// `/check` endpoint (which tells a browser client why its upgrade was refused, since browsers hide
// the HTTP status) both go through `admit`.

export type AdmissionRequest = {
  pathname: string;
  origin: string | undefined;
  host: string | undefined;
  token: string | undefined;
  accessKey: string | undefined;
};

export type Admission = { shareId: string; room: RoomKind; key: string; role: Role; claims: TokenClaims };

export type AdmissionPolicy = { origins: OriginPolicy; tls: boolean; accessKey: string | undefined; hosts: HostNames };

export async function admit(
  req: AdmissionRequest,
  policy: AdmissionPolicy,
  verifier: TokenVerifier,
  revocations: Revocations,
  registry: RoomRegistry,
): Promise<Verdict<Admission>> {
  if (!policy.hosts.allows(req.host)) return refuse(4403, 'host', policy.hosts.refusal());
  const target = parseRoomPath(req.pathname);
  if (!target) return refuse(4403, 'bad-path', 'not a room path: expected /ws/<share id>/<transcript|queue>');
  if (!isOriginAllowed(req.origin, req.host, policy.tls, policy.origins)) {
    return refuse(4403, 'origin', `pages from ${req.origin} may not connect to this relay (add the origin to the relay's allowed origins)`);
  }
  if (!req.token) return refuse(4401, 'no-token', 'the connection carries no token; open the full share link (it ends in #t=…)');
  const verified = verifier.verify(req.token, target.shareId, Math.floor(Date.now() / 1000));
  if (!verified.ok) return verified;
  const claims = verified.value;
  const revoked = await revocations.check(claims);
  if (!revoked.ok) return revoked;
  const key = roomName(target.shareId, target.room);
  if (!(await registry.exists(key))) {
    if (policy.accessKey !== undefined && claims.role !== 'host') {
      return refuse(1013, 'not-open', 'the host has not opened this share on the relay yet; retrying');
    }
    if (policy.accessKey !== undefined && !accessKeyMatches(policy.accessKey, req.accessKey)) {
      return refuse(4403, 'access-key', 'this relay needs its access key to open a new share; pass it with --access-key (or TANDEM_RELAY_ACCESS_KEY)');
    }
  }
  return { ok: true, value: { shareId: target.shareId, room: target.room, key, role: claims.role, claims } };
}

/** The token from `Sec-WebSocket-Protocol: tandem.<token>` (the subprotocol to echo) or `?token=`. */
export function findToken(protocolHeader: string | undefined, query: URLSearchParams): { token: string | undefined; subprotocol: string | undefined } {
  const offered = (protocolHeader ?? '').split(',').map((p) => p.trim());
  const subprotocol = offered.find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX));
  if (subprotocol) return { token: subprotocol.slice(TOKEN_SUBPROTOCOL_PREFIX.length), subprotocol };
  return { token: query.get('token') ?? undefined, subprotocol: undefined };
}
