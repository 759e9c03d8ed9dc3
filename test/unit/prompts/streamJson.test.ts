import assert from 'node:assert/strict';
import { LineSplitter, parseStreamLine } from '../../../extension/src/core/prompts/streamJson';

describe('prompts: stream-json from claude', () => {
  it('finds init by subtype, whatever comes first', () => {
    assert.deepEqual(parseStreamLine('{"type":"system","subtype":"ui_invalidate"}'), { kind: 'other', type: 'system', uuid: undefined });
    const init = parseStreamLine('{"type":"system","subtype":"init","session_id":"s-1","cwd":"/p","claude_code_version":"2.1.197","tools":["Bash"],"new_field":1}');
    assert.deepEqual(init, { kind: 'init', init: { sessionId: 's-1', cwd: '/p', version: '2.1.197', permissionMode: undefined } });
  });

  it('reads a result: error flag, errors, cost, denials and text; subtype "success" with is_error is an error', () => {
    const line = JSON.stringify({
      type: 'result',
      subtype: 'success',
      is_error: true,
      result: 'API Error: 500',
      session_id: 's-2',
      total_cost_usd: 0.5,
      errors: ['one', { code: 2 }],
      permission_denials: [{ tool_name: 'Bash', tool_use_id: 't1', tool_input: { command: 'touch x' } }],
    });
    assert.deepEqual(parseStreamLine(line), {
      kind: 'result',
      result: {
        isError: true,
        subtype: 'success',
        sessionId: 's-2',
        text: 'API Error: 500',
        errors: ['one', '{"code":2}'],
        costUsd: 0.5,
        permissionDenials: [{ toolName: 'Bash', toolUseId: 't1', input: { command: 'touch x' } }],
      },
    });
  });

  it('returns undefined for lines that are not JSON objects, and tolerates missing fields', () => {
    for (const bad of ['not json', '[1,2]', '"str"', 'null', '{"type":']) assert.equal(parseStreamLine(bad), undefined, bad);
    assert.deepEqual(parseStreamLine('{"type":"result"}'), { kind: 'result', result: { isError: false, subtype: undefined, sessionId: undefined, text: undefined, errors: [], costUsd: undefined, permissionDenials: [] } });
    assert.deepEqual(parseStreamLine('{"type":"system","subtype":"init"}'), { kind: 'other', type: 'system', uuid: undefined }, 'an init without a session id is not trusted');
  });

  it('splits lines across chunk boundaries, keeps multi-byte characters whole, and drops overlong lines', () => {
    const lines: string[] = [];
    const split = new LineSplitter((l) => lines.push(l), 16);
    const bytes = Buffer.from('{"a":"é"}\n{"b":2}\n' + 'x'.repeat(40) + '\nlast');
    for (let i = 0; i < bytes.length; i += 3) split.push(bytes.subarray(i, i + 3));
    split.end();
    assert.deepEqual(lines, ['{"a":"é"}', '{"b":2}', 'last']);
    assert.equal(split.dropped, 1);
  });
});
