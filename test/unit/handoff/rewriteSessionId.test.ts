import assert from 'node:assert/strict';
import { rewriteLineSessionId } from '../../../extension/src/core/handoff';

const A = '11111111-2222-4333-8444-555555555555';
const B = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

describe('handoff: rewriting a line to a new session id', () => {
  it('replaces only the top-level sessionId value and keeps every other byte', () => {
    const line = `{"parentUuid":null,"sessionId":"${A}","n":1.50,"e":"\\u00e9\\n","x":{"sessionId":"${A}"},"s":"\\"sessionId\\":\\"${A}\\"","arr":[{"sessionId":"${A}"}],"t":true}`;
    const out = rewriteLineSessionId(line, A, B);
    assert.equal(out, line.replace(`"sessionId":"${A}","n"`, `"sessionId":"${B}","n"`));
    assert.deepEqual(JSON.parse(out), { ...JSON.parse(line), sessionId: B });
  });

  it('keeps odd spacing, escaped key spellings and repeated keys consistent with JSON.parse', () => {
    const line = `{ "type" : "user" , "session\\u0049d" :  "${A}" ,"sessionId":"${A}"}`;
    const out = rewriteLineSessionId(line, A, B);
    assert.equal(out, `{ "type" : "user" , "session\\u0049d" :  "${B}" ,"sessionId":"${B}"}`);
    assert.equal(rewriteLineSessionId(out, B, A), line);
  });

  it('leaves lines of other sessions, lines without an id and lines that are not JSON objects alone', () => {
    const other = `{"sessionId":"${B}","type":"user"}`;
    for (const line of [other, '{"type":"summary","summary":"x","leafUuid":"u"}', '', '{"sessionId":', '[1,2]', `"${A}"`, '{"sessionId":null}']) {
      assert.equal(rewriteLineSessionId(line, A, B), line);
    }
  });
});
