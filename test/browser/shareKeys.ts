import { buildLink, type Role } from '../../protocol/src';
import { generateShareKeys, signRevokeAll, signToken } from '../../extension/src/core/sync/shareKeys';

// A share and signed role links for browser tests, made by the host's own key code.
export type ShareKeys = {
  shareId: string;
  token(role: Role, opts?: { name?: string; ttlSeconds?: number }): string;
  link(relayUrl: string, role: Role, name?: string): string;
  /** a signed "Stop Sharing" statement for the relay's POST /revoke */
  revokeAll(): string;
};

export function newShareKeys(): ShareKeys {
  const keys = generateShareKeys();
  const token = (role: Role, opts: { name?: string; ttlSeconds?: number } = {}) => {
    const ttl = opts.ttlSeconds ?? 3600;
    // a negative lifetime gives a link that expired that long ago (issued a minute before that)
    const issuedAt = ttl > 0 ? undefined : Date.now() / 1000 + ttl - 60;
    return signToken(keys, { role, ttlSeconds: ttl > 0 ? ttl : 60, name: opts.name, now: issuedAt }).token;
  };
  return { shareId: keys.shareId, token, link: (relayUrl, role, name) => buildLink(relayUrl, keys.shareId, token(role, { name })), revokeAll: () => signRevokeAll(keys) };
}
