import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { decodeToken } from '../../protocol/src';
import { decodeRevocation } from '../../protocol/src/revocation';
import { generateShareKeys, parseShareKeys, serializeShareKeys, signRevocation, signRevokeAll, signToken } from '../../extension/src/core/sync/shareKeys';

describe('relay: host share keys', () => {
  it('signs tokens the share id verifies, and keys survive serialisation', () => {
    const keys = parseShareKeys(serializeShareKeys(generateShareKeys()));
    const { token, claims } = signToken(keys, { role: 'prompter', ttlSeconds: 600, name: 'ann', now: 1_800_000_000 });
    assert.deepEqual({ ...claims, jti: 'x' }, { v: 1, sid: keys.shareId, role: 'prompter', iat: 1_800_000_000, exp: 1_800_000_600, jti: 'x', name: 'ann' });
    const decoded = decodeToken(token);
    assert.ok(decoded);
    const publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: keys.shareId }, format: 'jwk' });
    assert.ok(crypto.verify(null, decoded.signingInput, publicKey, decoded.signature));
    assert.notEqual(signToken(keys, { role: 'prompter', ttlSeconds: 600 }).claims.jti, claims.jti, 'every link gets its own id');
  });

  it('refuses stored keys that are damaged or whose halves do not belong together', () => {
    const a = generateShareKeys();
    const b = generateShareKeys();
    assert.throws(() => parseShareKeys('{'), /not JSON/);
    assert.throws(() => parseShareKeys(JSON.stringify({ ...a, privateKey: 'short' })), /damaged/);
    assert.throws(() => parseShareKeys(JSON.stringify({ ...a, privateKey: b.privateKey })), /do not match/);
  });

  it('signs revocations (all links up to now, or single ones) that parse and never read as tokens', () => {
    const keys = generateShareKeys();
    const all = decodeRevocation(signRevokeAll(keys, 1_800_000_000.5));
    assert.equal(all?.claims.before, 1_800_000_001);
    const one = decodeRevocation(signRevocation(keys, { jtis: ['abcdefgh12'] }));
    assert.deepEqual(one?.claims.jtis, ['abcdefgh12']);
    assert.equal(decodeToken(signRevokeAll(keys)), null);
    assert.equal(decodeRevocation(signToken(keys, { role: 'host', ttlSeconds: 60 }).token), null);
  });
});
