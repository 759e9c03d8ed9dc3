import { z } from 'zod';
import { decodeBase64Url, encodeBase64Url, utf8Decode, utf8Encode } from './base64url';
import { Role } from './roles';

// A capability token is `<payload>.<signature>`, both base64url. The payload is the JSON claims below;
// the signature is Ed25519 over the payload segment's ASCII bytes, made with the share's private key.
// The share id *is* the Ed25519 public key (32 raw bytes, base64url), so the relay verifies a token
// with nothing but the token and the room it is used for. Signing and verifying live where node:crypto
// or WebCrypto does (extension core, relay); this module only defines the format.

export const SHARE_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const ShareId = z.string().regex(SHARE_ID_PATTERN, 'a share id is a 43-character base64url Ed25519 public key');
export type ShareId = z.infer<typeof ShareId>;

/** A token's `jti`: names one link, so it can be shown and revoked. */
export const TokenId = z.string().min(8).max(64);

export const TokenClaims = z.object({
  v: z.literal(1),
  /** share id: the public key that signed this token */
  sid: ShareId,
  role: Role,
  /** issued at / expires at, seconds since the epoch */
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
  /** token id, so a single link can be revoked */
  jti: TokenId,
  /** optional display name of whoever the link was made for */
  name: z.string().max(100).optional(),
});
export type TokenClaims = z.infer<typeof TokenClaims>;

export type DecodedToken = { claims: TokenClaims; signingInput: Uint8Array; signature: Uint8Array };

export type TokenProblem = 'malformed' | 'expired' | 'not-yet-valid' | 'wrong-share';

export function encodeClaims(claims: TokenClaims): string {
  return encodeBase64Url(utf8Encode(JSON.stringify(TokenClaims.parse(claims))));
}

export function joinToken(payload: string, signature: Uint8Array): string {
  return `${payload}.${encodeBase64Url(signature)}`;
}

/** Splits and parses a token without checking its signature. */
export function decodeToken(token: string): DecodedToken | null {
  return decodeSigned(token, TokenClaims, 4096);
}

/** Splits `<payload>.<signature>` and parses the payload with `schema` (tokens, revocations). */
export function decodeSigned<T>(text: string, schema: z.ZodType<T>, maxLength: number): { claims: T; signingInput: Uint8Array; signature: Uint8Array } | null {
  if (text.length > maxLength) return null;
  const parts = text.split('.');
  if (parts.length !== 2) return null;
  const payload = decodeBase64Url(parts[0]);
  const signature = decodeBase64Url(parts[1]);
  if (!payload || !signature || signature.length !== 64) return null;
  let json: unknown;
  try {
    json = JSON.parse(utf8Decode(payload));
  } catch {
    return null;
  }
  const claims = schema.safeParse(json);
  if (!claims.success) return null;
  return { claims: claims.data, signingInput: utf8Encode(parts[0]), signature };
}

/** Checks the claims (not the signature) against the share and the clock. */
export function checkClaims(claims: TokenClaims, shareId: string, nowSeconds: number, skewSeconds = 60): TokenProblem | null {
  if (claims.sid !== shareId) return 'wrong-share';
  if (claims.iat > nowSeconds + skewSeconds) return 'not-yet-valid';
  if (claims.exp <= nowSeconds) return 'expired';
  return null;
}

/** The name a link goes by wherever its holder appears (queue entries, presence): the name the host
 *  signed into it, else its role and the start of its token id. Never chosen by the holder. */
export function linkName(claims: Pick<TokenClaims, 'role' | 'jti' | 'name'>): string {
  return claims.name || `${claims.role} ${claims.jti.slice(0, 6)}`;
}
