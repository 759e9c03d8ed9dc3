import { z } from 'zod';
import type { TokenClaims } from '../../../protocol/src';
import { MAX_REVOKED_JTIS, decodeRevocation } from '../../../protocol/src/revocation';
import type { RoomStorage } from '../storage/roomStorage';
import type { TokenVerifier } from './tokenVerifier';
import { refuse, type Verdict } from './verdict';

/** What the relay keeps per share: the newest `before` it was told and the single links it revoked. */
const RevocationRecord = z.object({ before: z.number().int().nonnegative(), jtis: z.array(z.string()) });
export type RevocationRecord = z.infer<typeof RevocationRecord>;

const CACHE = 4096;

/** Signed revocations, persisted through the room storage and cached per share. */
export class Revocations {
  private readonly cache = new Map<string, Promise<RevocationRecord>>();

  constructor(
    private readonly storage: RoomStorage,
    private readonly verifier: TokenVerifier,
  ) {}

  async check(claims: TokenClaims): Promise<Verdict<true>> {
    const record = await this.record(claims.sid);
    if (this.isRevoked(record, claims)) {
      return refuse(4401, 'revoked', 'the host revoked this link (sharing stopped or the link was withdrawn); ask the host for a new link');
    }
    return { ok: true, value: true };
  }

  isRevoked(record: RevocationRecord, claims: TokenClaims): boolean {
    return claims.iat < record.before || record.jtis.includes(claims.jti);
  }

  /** Verifies a signed statement, merges it into the share's record and persists it. */
  async apply(statement: string): Promise<Verdict<{ shareId: string; record: RevocationRecord }>> {
    const decoded = decodeRevocation(statement);
    if (!decoded) return refuse(4401, 'malformed', 'the revocation is not a signed statement in the expected format');
    const { sid, before = 0, jtis = [] } = decoded.claims;
    if (!this.verifier.verifySignature(sid, decoded.signingInput, decoded.signature)) {
      return refuse(4401, 'bad-signature', "the revocation was not signed by the share's key");
    }
    return this.merge(sid, before, jtis);
  }

  /** Revokes every token of the share issued before `before` (seconds): the host deleted the share. */
  async revokeAll(shareId: string, before: number): Promise<void> {
    const merged = await this.merge(shareId, before, []);
    if (!merged.ok) throw new Error(merged.reason);
  }

  private async merge(sid: string, before: number, jtis: string[]): Promise<Verdict<{ shareId: string; record: RevocationRecord }>> {
    const current = await this.record(sid);
    const merged = { before: Math.max(current.before, before), jtis: [...new Set([...current.jtis, ...jtis])] };
    if (merged.jtis.length > MAX_REVOKED_JTIS * 10) {
      return refuse(4403, 'too-many', `this share already has ${current.jtis.length} revoked links; stop sharing (revoke all) instead`);
    }
    await this.storage.writeRevocations(sid, JSON.stringify(merged));
    this.cache.set(sid, Promise.resolve(merged));
    return { ok: true, value: { shareId: sid, record: merged } };
  }

  /** Drops the cached record (another relay node stored a newer one) and reads it again. */
  async reload(shareId: string): Promise<RevocationRecord> {
    this.cache.delete(shareId);
    return this.record(shareId);
  }

  private record(shareId: string): Promise<RevocationRecord> {
    let pending = this.cache.get(shareId);
    if (!pending) {
      pending = this.storage.readRevocations(shareId).then((json) => (json ? RevocationRecord.parse(JSON.parse(json)) : { before: 0, jtis: [] }));
      pending.catch(() => this.cache.delete(shareId)); // a failed read is retried by the next check
      if (this.cache.size >= CACHE) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(shareId, pending);
    }
    return pending;
  }
}
