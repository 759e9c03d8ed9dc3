import assert from 'node:assert/strict';
import type { PendingApproval } from '../../../protocol/src';
import { describeToolRequest, toolDetail, toolHeadline } from '../../../extension/src/vscode/prompts/describeToolRequest';
import { describePrompt } from '../../../extension/src/vscode/prompts/describePrompt';

const approval = (extra: Partial<PendingApproval>): PendingApproval => ({
  id: 'req-00001',
  promptId: 'prompt-0001',
  toolName: 'Bash',
  input: '{}',
  createdAt: 0,
  deadline: 1,
  state: 'pending',
  answerers: 'host',
  ...extra,
});
// VS Code turns [label](command:…) in a notification into a link that runs the command when clicked
const LINK = /\[[^\]]+\]\((https?:\/\/|command:|file:)/i;

describe("VS Code's question about a tool request", () => {
  it('names the tool, the command and who queued the prompt', () => {
    const q = { approval: approval({ command: 'touch marker.txt', reason: 'Bash needs permission' }), author: 'Ana Lima' };
    assert.equal(describeToolRequest(q), 'Claude asks to use Bash for the prompt from Ana Lima: “touch marker.txt” (Bash needs permission)');
    assert.equal(toolHeadline({ approval: approval({ toolName: 'Write', path: '/src/app/x.ts', input: '{\n  "a": 1\n}' }), author: 'Bo' }), 'Claude asks to use Write on /src/app/x.ts for the prompt from Bo');
    assert.equal(toolDetail({ approval: approval({ toolName: 'Grep', input: '{\n  "pattern": "x"\n}' }), author: 'Bo' }), '{ "pattern": "x" }');
  });

  it('a command, a reason or an author cannot add a link, an icon, a line or a terminal sequence to the question', () => {
    const q = {
      approval: approval({ command: 'rm -rf ~ #[Allow](command:workbench.action.openSettings)\n$(check) safe\u001b[2J\u202e', reason: '[ok](https://evil.example)' }),
      author: 'eve[x](file:///etc/passwd)\u0007',
    };
    const text = describeToolRequest(q);
    assert.doesNotMatch(text, LINK);
    assert.doesNotMatch(text, /\$\(/);
    assert.doesNotMatch(text, /[\u0000-\u001f\u202e]/);
    assert.match(text, /rm -rf ~ #\[Allow\] \(command:/, 'the text stays readable');
    assert.match(text, /\\n\$ \(check\) safe\\u001b\[2J\\u202e/);
  });

  it('the prompt approval notification breaks link markup too', () => {
    const text = describePrompt({ prompt: { id: 'prompt-0001', text: 'hi [Approve](command:tandem.showLog)', author: 'x[y](https://e.example)', tokenId: 't', createdAt: 0, kind: 'resume' }, project: '/p' });
    assert.doesNotMatch(text, LINK);
  });
});
