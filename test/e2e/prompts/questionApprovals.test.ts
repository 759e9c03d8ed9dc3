import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Origin, addAnswer, readApprovals, type PendingApproval, type ToolAnswer } from '../../../protocol/src';
import { waitFor } from '../../helpers/waitFor';
import { makeHarness, type Harness } from './harness';

// AskUserQuestion and ExitPlanMode with the real `claude` CLI: the host publishes the questions and
// the plan parsed for the viewer's form, checks a person's updatedInput against the tool's schema and
// the questions asked, and the answer reaches Claude in the next API request.

describe('prompt runner: questions and plans answered remotely', function () {
  this.timeout(90_000);
  let h: Harness;
  beforeEach(async () => (h = await makeHarness()));
  afterEach(() => h.dispose());
  const prompters = { toolApprovals: { policy: 'prompters' as const } };

  const questions = [
    { question: 'Which color?', header: 'Color', multiSelect: false, options: [{ label: 'Red', description: 'warm' }, { label: 'Blue', description: 'cool' }] },
    { question: 'Which sides?', header: 'Sides', multiSelect: true, options: [{ label: 'Top', description: 'up' }, { label: 'Left', description: 'west' }, { label: 'Right', description: 'east' }] },
  ];

  function pending(promptId: string): Promise<PendingApproval> {
    return waitFor(() => [...readApprovals(h.transcriptDoc).values()].find((a) => a.promptId === promptId && a.state === 'pending'), { timeoutMs: 30_000, what: `a pending approval for ${promptId}` });
  }

  function answer(requestId: string, extra: Partial<ToolAnswer>): string {
    const id = `a-${crypto.randomBytes(6).toString('hex')}`;
    addAnswer(h.queueDoc, { id, requestId, decision: 'allow', author: 'ana', tokenId: 'ana-token', createdAt: Date.now(), ...extra }, Origin.composer);
    return id;
  }

  const toolResultsIn = (needle: string) => h.fake.requests.filter((r) => r.path.startsWith('/v1/messages') && r.body.includes('tool_result') && r.body.includes(needle));

  it('publishes the questions for a form, refuses answers to questions Claude did not ask, and the chosen answers reach Claude', async () => {
    await h.start(prompters);
    const id = h.queue(`ask me [[tool: AskUserQuestion ${JSON.stringify({ questions })}]]`);
    const request = await pending(id);
    assert.equal(request.toolName, 'AskUserQuestion');
    assert.deepEqual(request.questions, questions);
    assert.match(request.toolUseId ?? '', /^toolu_/, 'the tool call it is about, for the transcript');

    const stranger = answer(request.id, { updatedInput: { answers: { 'Which color?': 'Red', 'Rm -rf?': 'yes' } } });
    const malformed = answer(request.id, { updatedInput: { answers: { 'Which color?': 'Red' }, questions: [{ question: 'swapped' }] } });
    await waitFor(() => readApprovals(h.transcriptDoc).get(request.id)?.refused?.length === 2, { what: 'both bad answers to be refused' });
    const refused = readApprovals(h.transcriptDoc).get(request.id)!.refused!;
    assert.match(refused.find((r) => r.answerId === stranger)!.reason, /answers a question Claude did not ask: Rm -rf\?/);
    assert.match(refused.find((r) => r.answerId === malformed)!.reason, /is not a set of answers/);
    assert.equal(readApprovals(h.transcriptDoc).get(request.id)!.state, 'pending', 'a bad answer loses nothing: the request still waits');

    answer(request.id, { updatedInput: { answers: { 'Which color?': 'a teal I mixed myself', 'Which sides?': 'Top, Right' } } });
    const run = await h.waitForState(id, 'done');
    assert.equal(readApprovals(h.transcriptDoc).get(request.id)!.answeredBy, 'ana');
    assert.equal(toolResultsIn(String.raw`\"Which color?\"=\"a teal I mixed myself\", \"Which sides?\"=\"Top, Right\"`).length, 1, 'the next API request carries the answers');
    assert.match(run.resultText ?? '', /Your questions have been answered/);
  });

  it('publishes the plan of ExitPlanMode, and approving it ends plan mode with that plan', async () => {
    await h.start(prompters);
    await h.waitForState(h.queue('plan first [[tool: EnterPlanMode {}]]'), 'done');
    const plan = '# Plan\n\n1. add the **form**\n2. test it';
    const id = h.queue(`here it is [[tool: ExitPlanMode ${JSON.stringify({ plan })}]]`);
    const request = await pending(id);
    assert.equal(request.plan, plan);
    assert.equal(request.questions, undefined);

    const notAPlan = answer(request.id, { updatedInput: { plan: '', mode: 'bypassPermissions' } });
    await waitFor(() => readApprovals(h.transcriptDoc).get(request.id)?.refused?.some((r) => r.answerId === notAPlan), { what: 'the bad plan answer to be refused' });
    assert.match(readApprovals(h.transcriptDoc).get(request.id)!.refused![0].reason, /is not a plan/);

    answer(request.id, {});
    const run = await h.waitForState(id, 'done');
    assert.match(run.resultText ?? '', /User has approved your plan/);
    assert.equal(toolResultsIn('## Approved Plan').filter((r) => r.body.includes('add the **form**')).length, 1, 'Claude got the approved plan back');
  });
});
