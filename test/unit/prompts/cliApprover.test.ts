import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { visibleText, type PendingApproval, type PromptRequest } from '../../../protocol/src';
import { createCliApprover, describeToolRequest } from '../../../extension/src/core/prompts/cliApprover';
import { waitFor } from '../../helpers/waitFor';

function terminal(isTTY: boolean) {
  const input = Object.assign(new PassThrough(), { isTTY });
  const output = new PassThrough();
  const interrupts: number[] = [];
  const onInterrupt = () => interrupts.push(Date.now());
  let shown = '';
  output.on('data', (d: Buffer) => (shown += d.toString('utf8')));
  // readline repaints the line after the question, so questions are counted rather than matched at the end
  return { input, output, onInterrupt, interrupts, shown: () => shown, questions: () => shown.split('for this share: ').length - 1 };
}

const prompt = (text: string, extra: Partial<PromptRequest> = {}): PromptRequest => ({ id: 'p-00000001', text, author: 'bob', tokenId: 'bob-token', createdAt: 1, kind: 'resume', ...extra });

describe('prompts: the CLI host asks in the terminal', () => {
  it('shows author, project and text, and reads y / n / a (asking again on anything else)', async () => {
    const t = terminal(true);
    const approver = createCliApprover(t);
    const answers: string[] = [];
    let asked = 0;
    // each entry: what the person types at each question of one approval
    for (const typing of [['y'], ['no'], ['maybe', 'a'], ['']]) {
      const decision = approver.approve({ prompt: prompt('fix the tests\nplease'), project: '/work/app' }, new AbortController().signal);
      for (const line of typing) {
        asked++;
        await waitFor(() => t.questions() >= asked, { what: `question ${asked}` });
        t.input.write(`${line}\n`);
      }
      answers.push(await decision);
    }
    assert.deepEqual(answers, ['approve', 'reject', 'always', 'reject']);
    assert.match(t.shown(), /Prompt from bob for this session in \/work\/app:\n {2}│ fix the tests\n {2}│ please\n/);
    assert.match(t.shown(), /Please answer y, n or a\./);
    assert.equal(approver.by, 'user');
  });

  it('shows control characters from the network as escapes, so a prompt cannot repaint the question', () => {
    assert.equal(visibleText('ok\u001b[2J\u001b[1;1Hfake\u0007\u202etxt'), 'ok\\u001b[2J\\u001b[1;1Hfake\\u0007\\u202etxt');
    assert.equal(visibleText('tabs\tand\nnewlines stay'), 'tabs\tand\nnewlines stay');
  });

  it("names the tool request's prompt author, escaped, in the question", () => {
    const approval: PendingApproval = { id: 'a1b2c3d4e5f6', promptId: 'p-12345678', toolName: 'Bash', input: '{}', command: 'touch marker.txt', createdAt: 1, deadline: 2, state: 'pending', answerers: 'host' };
    const text = describeToolRequest(approval, { id: 'p-12345678', author: 'Ana\u202e\nLima' });
    assert.match(text, /Claude Code asks to use Bash \(request a1b2c3d4e5f6, for a prompt from Ana\\u202e\\nLima\):/);
  });

  it('rejects and says why when stdin is not a terminal', async () => {
    const t = terminal(false);
    const decision = await createCliApprover(t).approve({ prompt: prompt('x'), project: '/p' }, new AbortController().signal);
    assert.equal(decision, 'reject');
    assert.match(t.shown(), /there is no terminal to ask in; use --prompts auto or --prompts never/);
  });

  it('withdraws the question when the prompt is cancelled while it is open', async () => {
    const t = terminal(true);
    const cancel = new AbortController();
    const decision = createCliApprover(t).approve({ prompt: prompt('x'), project: '/p' }, cancel.signal);
    await waitFor(() => t.questions() === 1);
    cancel.abort();
    assert.equal(await decision, 'reject');
    assert.match(t.shown(), /question withdrawn: the prompter cancelled it/);
  });

  it('passes Ctrl-C during a question on to the host, and leaves the decision to the stopping host', async () => {
    const t = terminal(true);
    const hostStops = new AbortController();
    let decided = false;
    const decision = createCliApprover(t)
      .approve({ prompt: prompt('x'), project: '/p' }, hostStops.signal)
      .finally(() => (decided = true));
    await waitFor(() => t.questions() === 1);
    t.input.write('\u0003');
    await waitFor(() => t.interrupts.length === 1, { what: 'Ctrl-C to reach the host' });
    assert.equal(decided, false, 'Ctrl-C is not a "no"');
    hostStops.abort();
    assert.equal(await decision, 'reject');
  });
});
