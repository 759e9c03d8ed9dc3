import crypto from 'node:crypto';
import { checkClaims, decodeToken, type TokenClaims } from '../../../protocol/src';
import { refuse, type Verdict } from './verdict';

const KEY_CACHE = 4096;

/** Verifies capability tokens with nothing but the share id: it is the Ed25519 public key. */
export class TokenVerifier {
  private readonly keys = new Map<string, crypto.KeyObject>();

  verify(token: string, shareId: string, nowSeconds: number): Verdict<TokenClaims> {
    const decoded = decodeToken(token);
    if (!decoded) return refuse(4401, 'malformed', 'the link is damaged (its token cannot be read); copy the whole link again or ask the host for a new one');
    const problem = checkClaims(decoded.claims, shareId, nowSeconds);
    if (problem === 'wrong-share') return refuse(4403, 'wrong-share', 'this link belongs to a different shared session');
    if (!this.verifySignature(shareId, decoded.signingInput, decoded.signature)) {
      return refuse(4401, 'bad-signature', "the link's token was not signed by this share's key (forged or altered); ask the host for a new link");
    }
    if (problem === 'expired') return refuse(4401, 'expired', `the link expired on ${new Date(decoded.claims.exp * 1000).toISOString()}; ask the host for a new link`);
    if (problem === 'not-yet-valid') return refuse(4401, 'not-yet-valid', "the link is not valid yet (the host's clock or yours is wrong)");
    return { ok: true, value: decoded.claims };
  }

  /** Verifies an Ed25519 signature made with the share's private key. */
  verifySignature(shareId: string, signingInput: Uint8Array, signature: Uint8Array): boolean {
    let key: crypto.KeyObject;
    try {
      key = this.key(shareId);
    } catch {
      return false; // 32 bytes that are not an Ed25519 point: no token can be valid for this share id
    }
    return crypto.verify(null, signingInput, key, signature);
  }

  private key(shareId: string): crypto.KeyObject {
    let key = this.keys.get(shareId);
    if (key) {
      this.keys.delete(shareId);
      this.keys.set(shareId, key);
      return key;
    }
    key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: shareId }, format: 'jwk' });
    if (this.keys.size >= KEY_CACHE) this.keys.delete(this.keys.keys().next().value as string);
    this.keys.set(shareId, key);
    return key;
  }
}
