import crypto from 'node:crypto';
import { buildLink, encodeClaims, joinToken, type Role } from '../../protocol/src';

// A share key pair and signed role tokens, made with node:crypto the way a host makes them: the share
// id is the Ed25519 public key (base64url of its 32 raw bytes) and a token is claims.signature.
export type ShareKeys = { shareId: string; token(role: Role, opts?: { name?: string; ttlSeconds?: number }): string; link(relayUrl: string, role: Role, name?: string): string };

export function newShareKeys(): ShareKeys {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const shareId = publicKey.export({ format: 'jwk' }).x as string;
  const token = (role: Role, opts: { name?: string; ttlSeconds?: number } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const payload = encodeClaims({ v: 1, sid: shareId, role, iat: now, exp: now + (opts.ttlSeconds ?? 3600), jti: crypto.randomBytes(9).toString('base64url'), ...(opts.name ? { name: opts.name } : {}) });
    return joinToken(payload, crypto.sign(null, Buffer.from(payload), privateKey));
  };
  return { shareId, token, link: (relayUrl, role, name) => buildLink(relayUrl, shareId, token(role, { name })) };
}
