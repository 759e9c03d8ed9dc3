import { CloseCode } from '../../protocol/src';
import type { Revocations } from './auth/revocations';
import type { TokenVerifier } from './auth/tokenVerifier';
import type { Logger } from './logger';
import type { RoomRegistry } from './roomRegistry';
import type { Upgrades } from './upgrades';

// DELETE /s/<share id> with `Authorization: Bearer <host token>`: the host ends a share for good
// (`tandem unshare`, VS Code's Stop Sharing). The relay revokes every token issued so far, closes the
// share's sockets with 4401, and removes its rooms from memory and storage. The revocation stays, so
// old links are refused with a reason instead of opening an empty share.

export type DeletionDeps = { verifier: TokenVerifier; revocations: Revocations; registry: RoomRegistry; upgrades: Upgrades; log: Logger };

export type DeletionResult = { status: number; body: { ok: boolean; closed?: number; rooms?: number; reason?: string } };

export async function deleteShare(deps: DeletionDeps, shareId: string, authorization: string | undefined): Promise<DeletionResult> {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  if (!token) return { status: 401, body: { ok: false, reason: 'send the host token as `Authorization: Bearer <token>`' } };
  const now = Math.floor(Date.now() / 1000);
  const verified = deps.verifier.verify(token, shareId, now);
  if (!verified.ok) return { status: verified.code === CloseCode.forbidden ? 403 : 401, body: { ok: false, reason: verified.reason } };
  if (verified.value.role !== 'host') return { status: 403, body: { ok: false, reason: 'only the host (or a handoff link) may delete a share' } };
  const revoked = await deps.revocations.check(verified.value);
  if (!revoked.ok) return { status: 401, body: { ok: false, reason: revoked.reason } };
  await deps.revocations.revokeAll(shareId, now + 1);
  let closed = 0;
  for (const conn of deps.upgrades.connections) {
    if (conn.admitted.shareId !== shareId) continue;
    conn.close(CloseCode.unauthorized, 'the host revoked every link to this session and deleted it from the relay');
    closed++;
  }
  const rooms = await deps.registry.remove(shareId);
  deps.log.info('deleted a share', { closed, rooms });
  return { status: 200, body: { ok: true, closed, rooms } };
}
