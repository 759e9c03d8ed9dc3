import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { Approver, ApprovalRequest, Decision } from '../../../extension/src/core/prompts/approval';
import { neverApprover } from '../../../extension/src/core/prompts/approval';
import { waitFor } from '../../helpers/waitFor';
import { makeHarness, type Harness } from './harness';

/** A person at the host: answers are given by the test, one question at a time. */
function personAtHost() {
  const asked: { request: ApprovalRequest; signal: AbortSignal; answer: (d: Decision) => void }[] = [];
  const approver: Approver = {
    by: 'user',
    approve: (request, signal) => new Promise((answer) => asked.push({ request, signal, answer })),
  };
  return { approver, asked };
}

describe('prompt runner: approval policies', function () {
  let h: Harness;
  beforeEach(async () => (h = await makeHarness()));
  afterEach(() => h.dispose());

  it('never: rejects every prompt and claude never starts', async () => {
    await h.start({ approver: neverApprover });
    const id = h.queue('please run');
    const run = await h.waitForState(id, 'rejected');
    assert.match(run.error!, /policy does not run prompts/);
    assert.equal(h.requestsWith('please run').length, 0);
  });

  it('ask: shows author, project and text; "always" approves the rest of the share without asking', async () => {
    const host = personAtHost();
    await h.start({ approver: host.approver });
    const first = h.queue('first question', { author: 'bob' });
    const second = h.queue('second question');
    await waitFor(() => host.asked.length === 1, { what: 'the first question' });
    assert.equal(host.asked[0].request.prompt.author, 'bob');
    assert.equal(host.asked[0].request.prompt.text, 'first question');
    assert.equal(host.asked[0].request.project, h.cwd);
    assert.equal(h.run(first)?.state, 'queued', 'nothing runs before the answer');

    host.asked[0].answer('always');
    assert.equal((await h.waitForState(first, 'done')).approvedBy, 'user');
    assert.equal((await h.waitForState(second, 'done')).approvedBy, 'always-allow');
    assert.equal(host.asked.length, 1, 'the second prompt was not asked about');
  });

  it('ask: a "no" rejects, and a prompt cancelled while the question is open is cancelled, not run', async () => {
    const host = personAtHost();
    await h.start({ approver: host.approver });
    const declined = h.queue('declined');
    const withdrawn = h.queue('withdrawn');
    await waitFor(() => host.asked.length === 1);
    host.asked[0].answer('reject');
    assert.match((await h.waitForState(declined, 'rejected')).error!, /host declined/);

    await waitFor(() => host.asked.length === 2);
    h.cancel(withdrawn, 'carol');
    await waitFor(() => host.asked[1].signal.aborted, { what: 'the open question to be withdrawn' });
    host.asked[1].answer('approve'); // too late: the prompter withdrew it
    assert.match((await h.waitForState(withdrawn, 'cancelled')).error!, /Cancelled by carol/);
    assert.deepEqual(h.requestsWith().map((r) => r.lastUserText), ['hello'], 'only the session created by the harness reached the API');
  });

  it('judges the mentions again when the prompt starts: a link planted while the host was asked is refused', async () => {
    const host = personAtHost();
    await h.start({ approver: host.approver });
    const secret = path.join(h.env.root, 'outside-secret.txt');
    fs.writeFileSync(secret, 'SECRET-PLANTED-9f31');
    const id = h.queue('summarise @notes/todo.txt please');
    await waitFor(() => host.asked.length === 1, { what: 'the question about a prompt that mentions a file not there yet' });
    // while the question is open, the mentioned path appears as a link to a file outside the project
    fs.mkdirSync(path.join(h.cwd, 'notes'));
    fs.symlinkSync(secret, path.join(h.cwd, 'notes', 'todo.txt'));
    host.asked[0].answer('approve');
    assert.match((await h.waitForState(id, 'failed')).error!, /^The prompt mentions @notes\/todo\.txt.*Checked again when the prompt was about to start/s);
    assert.equal(h.fake.requests.filter((r) => r.body.includes('SECRET-PLANTED-9f31')).length, 0, 'the planted secret reached the API');
  });

  it('rejects with the reason when the approver itself fails', async () => {
    await h.start({ approver: { by: 'user', approve: async () => Promise.reject(new Error('the notification was dismissed')) } });
    const id = h.queue('anything');
    assert.match((await h.waitForState(id, 'rejected')).error!, /could not decide on this prompt: the notification was dismissed/);
  });
});
