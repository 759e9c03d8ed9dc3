import assert from 'node:assert/strict';
import { personInput, personView, sessionRules } from '../../../extension/src/core/prompts/toolApprovals';
import type { PermissionRequest } from '../../../extension/src/core/prompts/streamJson';
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

  const ask = (questions: unknown): PermissionRequest => ({ requestId: 'r', toolName: 'AskUserQuestion', input: { questions }, suggestions: [] });
  const oneQuestion = [{ question: 'Q?', header: 'H', multiSelect: false, options: [{ label: 'A', description: 'a' }, { label: 'B', description: 'b' }] }];

  it('takes only answers to the questions asked, bounded, and only a plan for ExitPlanMode; every other tool keeps its input', () => {
    assert.deepEqual(personInput(ask(oneQuestion), { answers: { 'Q?': 'A' } }), { input: { questions: oneQuestion, answers: { 'Q?': 'A' } } });
    for (const bad of [{ answers: { 'Q?': 'x'.repeat(2001) } }, { answers: { 'Q?': 1 } }, { answers: { 'Q?': 'A' }, questions: [] }, { answers: Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, 'v'])) }, { answers: { 'Other?': 'A' } }]) {
      const taken = personInput(ask(oneQuestion), bad);
      assert.ok(taken.problem, JSON.stringify(bad).slice(0, 80));
      assert.deepEqual(taken.input, { questions: oneQuestion }, 'a refused answer changes nothing');
    }
    const plan: PermissionRequest = { requestId: 'r', toolName: 'ExitPlanMode', input: { plan: 'p' }, suggestions: [] };
    assert.deepEqual(personInput(plan, { plan: 'edited' }).input, { plan: 'edited' });
    assert.match(personInput(plan, { plan: 'edited', mode: 'bypassPermissions' }).problem ?? '', /is not a plan/);
    const bash: PermissionRequest = { requestId: 'r', toolName: 'Bash', input: { command: 'ls' }, suggestions: [] };
    assert.deepEqual(personInput(bash, { command: 'rm -rf /' }), { input: { command: 'ls' } });
  });

  it('publishes the questions and the plan for viewers only when they parse, and cut to size', () => {
    assert.deepEqual(personView(ask(oneQuestion)).questions, oneQuestion);
    assert.deepEqual(personView(ask([...oneQuestion, ...oneQuestion, ...oneQuestion, ...oneQuestion, ...oneQuestion])), {}, 'five questions: shown as plain input');
    assert.deepEqual(personView(ask([{ question: 'x'.repeat(3000), options: [] }])), {});
    const long = personView({ requestId: 'r', toolName: 'ExitPlanMode', input: { plan: 'p'.repeat(100_000) }, suggestions: [] });
    assert.equal(long.plan?.length, 32 * 1024);
  });
});
