import assert from 'node:assert/strict';
import { buildLink, encodeClaims, joinToken } from '../../../protocol/src';
import { checkPastedLink } from '../../../extension/src/vscode/linkProblems';

const sid = 'A'.repeat(43);
const token = (exp: number, forSid = sid) => joinToken(encodeClaims({ v: 1, sid: forSid, role: 'observer', iat: 1_000, exp, jti: 'jti-12345' }), new Uint8Array(64));
const now = 2_000_000;

describe('pasted links (Open Shared Session…)', () => {
  it('accepts a whole, unexpired link', () => {
    const r = checkPastedLink(`  ${buildLink('http://relay:4100', sid, token(now))}  `, now * 1000 - 1);
    assert.ok(r.ok);
  });

  it('says what is wrong and what to do for each broken link', () => {
    const cases: [string, RegExp][] = [
      ['hello', /^That is not a link\. Paste the whole link your teammate sent/],
      ['http://relay:4100/sessions/1', /not a Tandem share link/],
      [`http://relay:4100/s/${sid}`, /cut short.*Copy the whole link again/],
      [`http://relay:4100/s/${sid}#t=garbage`, /damaged\. Copy the whole link again/],
      [buildLink('http://relay:4100', sid, token(now, 'B'.repeat(43))), /belongs to another session/],
      [buildLink('http://relay:4100', sid, token(now - 1)), /expired on .*Ask whoever shared the session for a new link/],
    ];
    for (const [text, message] of cases) {
      const r = checkPastedLink(text, now * 1000);
      assert.ok(!r.ok, text);
      assert.match(r.message, message, text);
      assert.doesNotMatch(r.message, /\bpass\b|--|fragment/i, 'no command-line words in a box people paste into');
      const secret = text.split('#t=')[1];
      if (secret) assert.ok(!r.message.includes(secret), 'the message never echoes the token');
    }
  });
});
