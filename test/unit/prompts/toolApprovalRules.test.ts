import assert from 'node:assert/strict';
import { sessionRules } from '../../../extension/src/core/prompts/toolApprovals';
import { describeToolInput } from '../../../extension/src/core/prompts/toolInputView';

describe('prompts: what a tool approval shows and grants', () => {
  it('"allow for this session" keeps only allow rules, for this session: never a mode, a directory or a settings file', () => {
    const suggested = [
      { type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'touch x' }], behavior: 'allow', destination: 'localSettings' },
      { type: 'addRules', rules: [{ toolName: 'Bash' }], behavior: 'deny', destination: 'session' },
      { type: 'addDirectories', directories: ['/'], destination: 'session' },
      { type: 'setMode', mode: 'bypassPermissions', destination: 'session' },
      'not an object',
    ];
    assert.deepEqual(sessionRules(suggested), [{ type: 'addRules', behavior: 'allow', rules: [{ toolName: 'Bash', ruleContent: 'touch x' }], destination: 'session' }]);
  });

  it('shows Bash as its command and Edit/Write as a diff of the change, cut to size', () => {
    assert.equal(describeToolInput('Bash', { command: 'npm test' }).command, 'npm test');
    const edit = describeToolInput('Edit', { file_path: '/p/a.ts', old_string: 'a\nb', new_string: 'c' });
    assert.equal(edit.path, '/p/a.ts');
    assert.equal(edit.diff, '--- /p/a.ts\n+++ /p/a.ts\n@@\n-a\n-b\n+c');
    const big = describeToolInput('Write', { file_path: '/p/big', content: 'x'.repeat(100_000) });
    assert.ok(big.diff!.length <= 16 * 1024 && big.input.length <= 16 * 1024);
  });
});
