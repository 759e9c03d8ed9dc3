import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  CloseCode,
  buildLink,
  canTransition,
  canWrite,
  checkClaims,
  contentBlocks,
  decodeBase64Url,
  decodeToken,
  encodeBase64Url,
  encodeClaims,
  isPermanentClose,
  joinToken,
  parseLine,
  parseLink,
  parseRoomPath,
  roomName,
  websocketBase,
} from '../../../protocol/src';

function makeShare() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const shareId = publicKey.export({ format: 'jwk' }).x as string;
  const sign = (claims: Parameters<typeof encodeClaims>[0]) => {
    const payload = encodeClaims(claims);
    return joinToken(payload, new Uint8Array(crypto.sign(null, Buffer.from(payload), privateKey)));
  };
  return { shareId, sign };
}

describe('protocol: contract', () => {
  it('base64url matches Node for every length', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = crypto.randomBytes(n);
      const text = encodeBase64Url(bytes);
      assert.equal(text, bytes.toString('base64url'));
      assert.deepEqual(Buffer.from(decodeBase64Url(text)!), bytes);
    }
    assert.equal(decodeBase64Url('ab*d'), null);
    assert.equal(decodeBase64Url('a'), null);
  });

  it('encodes claims into a token whose signature Node verifies with the share id alone', () => {
    const { shareId, sign } = makeShare();
    const token = sign({ v: 1, sid: shareId, role: 'observer', iat: 100, exp: 200, jti: 'abcdefgh' });
    const decoded = decodeToken(token)!;
    assert.equal(decoded.claims.role, 'observer');
    const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: shareId }, format: 'jwk' });
    assert.ok(crypto.verify(null, decoded.signingInput, key, decoded.signature));
    const forged = decodeToken(encodeClaims({ ...decoded.claims, role: 'host' }) + '.' + token.split('.')[1])!;
    assert.ok(!crypto.verify(null, forged.signingInput, key, forged.signature));
    assert.equal(checkClaims(decoded.claims, shareId, 150), null);
    assert.equal(checkClaims(decoded.claims, shareId, 200), 'expired');
    assert.equal(checkClaims(decoded.claims, 'x'.repeat(43), 150), 'wrong-share');
    assert.equal(decodeToken('garbage'), null);
    assert.equal(decodeToken('a.b'), null);
  });

  it('builds and parses links, and says why a link is not one', () => {
    const { shareId, sign } = makeShare();
    const token = sign({ v: 1, sid: shareId, role: 'prompter', iat: 1, exp: 2, jti: 'abcdefgh' });
    const link = buildLink('http://127.0.0.1:8787/', shareId, token);
    assert.equal(link, `http://127.0.0.1:8787/s/${shareId}#t=${token}`);
    const r = parseLink(link);
    assert.ok(r.ok);
    assert.equal(r.link.relayUrl, 'http://127.0.0.1:8787');
    assert.equal(r.link.claims.role, 'prompter');
    assert.ok(parseLink(`https://relay.example/base/s/${shareId}#t=${token}`).ok);
    assert.deepEqual(parseLink('ftp://x'), { ok: false, error: 'not-a-url' });
    assert.deepEqual(parseLink('http://x/y'), { ok: false, error: 'not-a-share-link' });
    assert.deepEqual(parseLink(`http://x/s/${shareId}`), { ok: false, error: 'no-token' });
    assert.deepEqual(parseLink(`http://x/s/${shareId}#t=zzz`), { ok: false, error: 'bad-token' });
    const other = makeShare();
    assert.deepEqual(parseLink(`http://x/s/${other.shareId}#t=${token}`), { ok: false, error: 'token-for-other-share' });
  });

  it('maps rooms to websocket paths and back', () => {
    const { shareId } = makeShare();
    assert.equal(websocketBase('https://r.example/'), 'wss://r.example/ws');
    assert.deepEqual(parseRoomPath(`/ws/${roomName(shareId, 'queue')}`), { shareId, room: 'queue' });
    assert.equal(parseRoomPath(`/ws/${shareId}/other`), null);
    assert.equal(parseRoomPath(`/ws/../${shareId}/queue`), null);
  });

  it('lets only the host write the transcript and only prompters and the host write the queue', () => {
    assert.ok(canWrite('host', 'transcript'));
    assert.ok(!canWrite('prompter', 'transcript'));
    assert.ok(!canWrite('observer', 'transcript'));
    assert.ok(canWrite('prompter', 'queue'));
    assert.ok(canWrite('host', 'queue'));
    assert.ok(!canWrite('observer', 'queue'));
  });

  it('allows only forward run transitions', () => {
    assert.ok(canTransition('queued', 'approved'));
    assert.ok(canTransition('running', 'interrupted'));
    assert.ok(!canTransition('done', 'running'));
    assert.ok(!canTransition('queued', 'done'));
  });

  it('marks 4401/4403 permanent and 1012/1013 retryable', () => {
    assert.ok(isPermanentClose(CloseCode.unauthorized) && isPermanentClose(CloseCode.forbidden));
    assert.ok(!isPermanentClose(CloseCode.restart) && !isPermanentClose(CloseCode.tryAgainLater));
  });

  it('parses lines permissively: unknown types kept, bad lines reported, never thrown', () => {
    const u = parseLine('{"type":"user","message":{"role":"user","content":"hi"},"extra":{"kept":true}}');
    assert.ok(u.ok && u.known && u.entry.type === 'user');
    assert.deepEqual((u.entry as Record<string, unknown>).extra, { kept: true });
    const x = parseLine('{"type":"marble-origami-commit","foo":1}');
    assert.ok(x.ok && !x.known && x.entry.type === 'marble-origami-commit');
    const spread = parseLine('{"type":"assistant","message":"not an object"}');
    assert.ok(spread.ok && !spread.known);
    const bad = parseLine('{"type":');
    assert.ok(!bad.ok && /not JSON/.test(bad.error));
    assert.ok(!parseLine('[1,2]').ok);
    const blocks = contentBlocks([{ type: 'text', text: 'a' }, { type: 'tool_use', id: 't', name: 'Bash', input: { command: 'ls' } }, { type: 'weird' }, 7]);
    assert.deepEqual(blocks.map((b) => b.kind), ['text', 'tool_use', 'unknown', 'unknown']);
    assert.deepEqual(contentBlocks('plain').map((b) => b.kind), ['text']);
  });
});
