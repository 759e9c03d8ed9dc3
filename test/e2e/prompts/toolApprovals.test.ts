import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { Origin, addAnswer, addPrompt, readApprovals, readClaudeProcess, readRuns, type PendingApproval, type ToolAnswer } from '../../../protocol/src';
import { ProcessPool } from '../../../extension/src/core/prompts/processPool';
import { waitFor } from '../../helpers/waitFor';
import { makeHarness, type Harness } from './harness';

describe('prompt runner: remote tool approvals and the warm process', function () {
  this.timeout(90_000);
  let h: Harness;
  beforeEach(async () => (h = await makeHarness()));
  afterEach(() => h.dispose());

  const marker = () => path.join(h.cwd, 'marker.txt');
  const touch = 'write the marker [[bash: touch marker.txt]]';
  const prompters = { toolApprovals: { policy: 'prompters' as const } };

  function pending(promptId: string): Promise<PendingApproval> {
    return waitFor(() => [...readApprovals(h.transcriptDoc).values()].find((a) => a.promptId === promptId && a.state === 'pending'), { timeoutMs: 30_000, what: `a pending approval for ${promptId}` });
  }

  function answer(requestId: string, decision: ToolAnswer['decision'], extra: Partial<ToolAnswer> = {}): string {
    const id = `a-${crypto.randomBytes(6).toString('hex')}`;
    const author = extra.author ?? 'ana';
    addAnswer(h.queueDoc, { id, requestId, decision, author, tokenId: `${author}-token`, createdAt: Date.now(), ...extra }, Origin.composer);
    return id;
  }

  it('shows the Bash request with its command, and a prompter allows it: the tool runs, the run is done, the approver kept', async () => {
    await h.start(prompters);
    const id = h.queue(touch);
    const request = await pending(id);
    assert.equal(request.toolName, 'Bash');
    assert.equal(request.command, 'touch marker.txt');
    assert.equal(request.answerers, 'prompters');
    assert.ok(request.deadline > request.createdAt);
    assert.equal(readClaudeProcess(h.transcriptDoc)?.state, 'waiting-approval');
    assert.ok(!fs.existsSync(marker()), 'nothing ran before the answer');

    answer(request.id, 'allow', { author: 'bob' });
    const run = await h.waitForState(id, 'done');
    assert.ok(fs.existsSync(marker()));
    assert.deepEqual(run.toolAnswers, [{ requestId: request.id, toolName: 'Bash', decision: 'allow', by: 'bob' }]);
    const settled = readApprovals(h.transcriptDoc).get(request.id)!;
    assert.equal(settled.state, 'allowed');
    assert.equal(settled.answeredBy, 'bob');
    await waitFor(() => readClaudeProcess(h.transcriptDoc)?.state === 'idle', { what: 'the process to be idle' });
  });

  it('a deny sends the message to Claude and the tool never runs', async () => {
    await h.start(prompters);
    const id = h.queue(touch);
    const request = await pending(id);
    answer(request.id, 'deny', { message: 'not on my watch' });
    const run = await h.waitForState(id, 'done');
    assert.ok(!fs.existsSync(marker()));
    assert.match(run.resultText ?? '', /not on my watch/, 'Claude got the deny message as the tool result');
    assert.equal(readApprovals(h.transcriptDoc).get(request.id)?.state, 'denied');
  });

  it('denies a request nobody answers in time, saying so', async () => {
    await h.start({ toolApprovals: { policy: 'prompters', timeoutMs: 300 } });
    const id = h.queue(touch);
    const run = await h.waitForState(id, 'done');
    assert.ok(!fs.existsSync(marker()));
    const [request] = [...readApprovals(h.transcriptDoc).values()];
    assert.equal(request.state, 'expired');
    assert.match(request.message ?? '', /Nobody answered/);
    assert.match(run.resultText ?? '', /Nobody answered/);
    assert.equal(run.toolAnswers?.[0].decision, 'expired');
  });

  it('two approvers race: the first answer wins, the second is told it came too late', async () => {
    await h.start(prompters);
    const id = h.queue(touch);
    const request = await pending(id);
    h.queueDoc.transact(() => {
      answer(request.id, 'deny', { author: 'first', message: 'first says no' });
      answer(request.id, 'allow', { author: 'second' });
    });
    await h.waitForState(id, 'done');
    const settled = readApprovals(h.transcriptDoc).get(request.id)!;
    assert.equal(settled.answeredBy, 'first');
    assert.equal(settled.state, 'denied');
    assert.equal(settled.refused?.length, 1);
    assert.equal(settled.refused?.[0].author, 'second');
    assert.match(settled.refused![0].reason, /already denied by first/);
    assert.ok(!fs.existsSync(marker()));
  });

  it('with --tool-approvals host, a remote answer is refused and the request falls to the host', async () => {
    await h.start({ toolApprovals: { policy: 'host', timeoutMs: 2000, hostAsker: { ask: (_a, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined))) } } });
    const id = h.queue(touch);
    const request = await pending(id);
    const mine = answer(request.id, 'allow');
    await waitFor(() => readApprovals(h.transcriptDoc).get(request.id)?.refused?.some((r) => r.answerId === mine), { what: 'the remote answer to be refused' });
    assert.match(readApprovals(h.transcriptDoc).get(request.id)!.refused![0].reason, /answers tool requests itself/);
    await h.waitForState(id, 'done');
    assert.ok(!fs.existsSync(marker()));
  });

  it('bounds what a remote approver may allow: a tool outside the list is refused, "allow for the session" never changes the mode', async () => {
    await h.start({ toolApprovals: { policy: 'prompters', remoteAllowedTools: ['Edit'], timeoutMs: 3000 } });
    const id = h.queue(touch);
    const request = await pending(id);
    const mine = answer(request.id, 'allow-session');
    await waitFor(() => readApprovals(h.transcriptDoc).get(request.id)?.refused?.some((r) => r.answerId === mine), { what: 'the answer to be refused' });
    assert.match(readApprovals(h.transcriptDoc).get(request.id)!.refused![0].reason, /does not let remote approvers allow Bash/);
    answer(request.id, 'deny');
    await h.waitForState(id, 'done');
    assert.ok(!fs.existsSync(marker()));
  });

  it('"allow for this session" lets the same command run again without asking', async () => {
    await h.start(prompters);
    const first = h.queue(touch);
    answer((await pending(first)).id, 'allow-session');
    await h.waitForState(first, 'done');
    fs.rmSync(marker());
    const second = h.queue(touch);
    await h.waitForState(second, 'done');
    assert.ok(fs.existsSync(marker()), 'the second run was allowed by the session rule');
    assert.equal([...readApprovals(h.transcriptDoc).values()].length, 1, 'no second question');
  });

  it('three prompts in a row go to one warm process', async () => {
    const runner = await h.start();
    const ids = ['one', 'two', 'three'].map((t) => h.queue(t));
    let pid: number | undefined;
    for (const id of ids) {
      await h.waitForState(id, 'done');
      pid ??= runner.claudePid;
      assert.equal(runner.claudePid, pid, 'the same process answered');
    }
    assert.ok(pid);
    assert.equal(h.requestsWith('three').length, 1);
  });

  it('stopping the host while a request is pending interrupts the run, and the tool never runs', async () => {
    const runner = await h.start(prompters);
    const id = h.queue(touch);
    const request = await pending(id);
    await runner.dispose();
    assert.equal(h.run(id)?.state, 'interrupted');
    assert.equal(readApprovals(h.transcriptDoc).get(request.id)?.state, 'withdrawn');
    answer(request.id, 'allow');
    assert.ok(!fs.existsSync(marker()));
    assert.equal(readClaudeProcess(h.transcriptDoc), undefined);
  });

  it('holds the cap on concurrent processes across runners, says why a prompt waits, and lets an idle one go', async () => {
    const processPool = new ProcessPool(1);
    await h.start({ processPool, ...prompters });
    const holder = h.queue(touch);
    await pending(holder);
    const other = await h.env.createSession(h.cwd, 'another session');
    const docs = { transcriptDoc: new Y.Doc(), queueDoc: new Y.Doc() };
    await h.start({ ...docs, sessionId: other, processPool });
    addPrompt(docs.queueDoc, { id: 'p-other-share', text: 'other share', author: 'bob', tokenId: 'bob-token', createdAt: Date.now(), kind: 'resume' }, Origin.composer);
    await waitFor(() => /Claude Code processes the host allows are busy/.test(readRuns(docs.transcriptDoc).get('p-other-share')?.waiting ?? ''), { what: 'the other prompt to wait for a slot' });
    assert.equal(processPool.inUse, 1);
    answer((await pending(holder)).id, 'allow');
    await h.waitForState(holder, 'done');
    await waitFor(() => readRuns(docs.transcriptDoc).get('p-other-share')?.state === 'done', { timeoutMs: 30_000, what: 'the other prompt to run once the idle process made way' });
    assert.equal(processPool.inUse, 1);
  });
});
