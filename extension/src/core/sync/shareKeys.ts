import crypto from 'node:crypto';
import { z } from 'zod';
import { encodeClaims, joinToken, type Role, type TokenClaims } from '../../../../protocol/src';
import { encodeRevocationClaims, type RevocationClaims } from '../../../../protocol/src/revocation';

// The host's keys for one share. The share id is the Ed25519 public key (JWK `x`, base64url), so the
// relay verifies tokens and revocations with the share id alone; the private key never leaves the
// host. Keys serialise to JSON for the host's storage (VS Code SecretStorage, a 0600 file for the CLI).

export const ShareKeys = z.object({
  v: z.literal(1),
  shareId: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** the Ed25519 private key, JWK `d` (base64url) */
  privateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});
export type ShareKeys = z.infer<typeof ShareKeys>;

export function generateShareKeys(): ShareKeys {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return { v: 1, shareId: jwk.x as string, privateKey: jwk.d as string };
}

export function serializeShareKeys(keys: ShareKeys): string {
  return JSON.stringify(keys);
}

/** Parses stored keys; throws an error that says what is wrong with them. */
export function parseShareKeys(text: string): ShareKeys {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('the stored share keys are not JSON; stop sharing and share the session again');
  }
  const keys = ShareKeys.safeParse(json);
  if (!keys.success) throw new Error('the stored share keys are damaged; stop sharing and share the session again');
  signingKey(keys.data); // throws if the two halves do not belong together
  return keys.data;
}

export type SignTokenOptions = {
  role: Role;
  /** how long the link stays valid */
  ttlSeconds: number;
  /** who the link is for, shown to others */
  name?: string;
  /** seconds since the epoch; default now */
  now?: number;
};

export function signToken(keys: ShareKeys, opts: SignTokenOptions): { token: string; claims: TokenClaims } {
  const iat = Math.floor(opts.now ?? Date.now() / 1000);
  const claims: TokenClaims = {
    v: 1,
    sid: keys.shareId,
    role: opts.role,
    iat,
    exp: iat + Math.max(1, Math.floor(opts.ttlSeconds)),
    jti: crypto.randomBytes(12).toString('base64url'),
    ...(opts.name ? { name: opts.name } : {}),
  };
  return { token: sign(keys, encodeClaims(claims)), claims };
}

/** A statement for the relay's `POST /revoke`: every token issued before `before` (seconds) and/or the listed token ids. */
export function signRevocation(keys: ShareKeys, what: { before?: number; jtis?: string[] }, now = Date.now() / 1000): string {
  const claims: RevocationClaims = { v: 1, kind: 'revoke', sid: keys.shareId, iat: Math.floor(now), ...what };
  return sign(keys, encodeRevocationClaims(claims));
}

/** Stop Sharing: revokes every link issued up to this second. */
export function signRevokeAll(keys: ShareKeys, now = Date.now() / 1000): string {
  return signRevocation(keys, { before: Math.floor(now) + 1 }, now);
}

function sign(keys: ShareKeys, payload: string): string {
  return joinToken(payload, new Uint8Array(crypto.sign(null, Buffer.from(payload), signingKey(keys))));
}

function signingKey(keys: ShareKeys): crypto.KeyObject {
  const key = crypto.createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: keys.shareId, d: keys.privateKey }, format: 'jwk' });
  const derived = crypto.createPublicKey(key).export({ format: 'jwk' }).x;
  if (derived !== keys.shareId) throw new Error('the share keys do not match: the private key is not the share id\'s');
  return key;
}
