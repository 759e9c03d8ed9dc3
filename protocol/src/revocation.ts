import { z } from 'zod';
import { encodeBase64Url, utf8Encode } from './base64url';
import { ShareId, decodeSigned } from './tokens';

// A revocation is a statement the host signs with the share's private key, in the token format
// (`<payload>.<signature>`, Ed25519 over the payload segment), and posts to the relay's `/revoke`.
// The relay verifies it with the share id alone, keeps it, refuses matching tokens from then on and
// closes their live sockets with 4401. `before` revokes every token issued before that second (Stop
// Sharing uses now + 1); `jtis` revokes single links. The `kind` field keeps a token payload from ever
// parsing as a revocation and vice versa.

export const MAX_REVOKED_JTIS = 1000;

export const RevocationClaims = z
  .object({
    v: z.literal(1),
    kind: z.literal('revoke'),
    sid: ShareId,
    /** when the host signed it, seconds since the epoch */
    iat: z.number().int().nonnegative(),
    /** tokens with `iat` < before are revoked */
    before: z.number().int().nonnegative().optional(),
    jtis: z.array(z.string().min(8).max(64)).max(MAX_REVOKED_JTIS).optional(),
  })
  .refine((c) => c.before !== undefined || (c.jtis?.length ?? 0) > 0, 'a revocation names `before` or at least one token id');
export type RevocationClaims = z.infer<typeof RevocationClaims>;

export type DecodedRevocation = { claims: RevocationClaims; signingInput: Uint8Array; signature: Uint8Array };

export function encodeRevocationClaims(claims: RevocationClaims): string {
  return encodeBase64Url(utf8Encode(JSON.stringify(RevocationClaims.parse(claims))));
}

/** Splits and parses a signed revocation without checking its signature. */
export function decodeRevocation(text: string): DecodedRevocation | null {
  return decodeSigned(text.trim(), RevocationClaims, 65536);
}
