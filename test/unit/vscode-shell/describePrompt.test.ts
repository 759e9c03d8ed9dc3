import assert from 'node:assert/strict';
import { describePrompt } from '../../../extension/src/vscode/prompts/describePrompt';

const request = (text: string, author = 'Ana Lima', kind: 'resume' | 'new' = 'resume') => ({
  prompt: { id: 'prompt-0001', text, author, tokenId: 'ana-token', createdAt: 0, kind },
  project: '/home/ada/src/app',
});

describe('remote prompt approval notification text', () => {
  it('names the author, the project and the prompt', () => {
    assert.equal(describePrompt(request('Run the tests')), 'Ana Lima wants to run a prompt in /home/ada/src/app: “Run the tests”');
    assert.match(describePrompt(request('Start', 'Bo', 'new')), /in a new session in \/home\/ada\/src\/app/);
  });

  it('shows control and bidi characters from the network escaped, so a prompt cannot fake the question', () => {
    const text = describePrompt(request('fine\u202e”: Approve? \u001b[2J', 'Ana\u0007'));
    assert.doesNotMatch(text, /[\u0000-\u001f\u202e\u0007]/);
    assert.match(text, /Ana\\u0007 wants/);
    assert.match(text, /fine\\u202e/);
  });

  it('cuts a long prompt and says how much is left, and folds newlines', () => {
    const text = describePrompt(request(`line one\nline two\n${'x'.repeat(1000)}`));
    assert.ok(text.length < 450, `${text.length} characters`);
    assert.match(text, /line one line two x+… \(7\d\d more characters\)”$/);
  });
});
