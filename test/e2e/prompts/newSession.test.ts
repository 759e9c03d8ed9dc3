import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeHarness, type Harness } from './harness';

describe('prompt runner: new sessions in host projects', function () {
  let h: Harness;
  let allowed: string;
  beforeEach(async () => {
    h = await makeHarness();
    allowed = h.env.project('allowed');
  });
  afterEach(() => h.dispose());

  it('starts a new session in an allowed project and tells the host to follow it', async () => {
    const runner = await h.start({ newSessionProjects: [allowed] });
    const id = h.queue('start something new', { kind: 'new', project: allowed });

    const run = await h.waitForState(id, 'done');
    assert.ok(run.sessionId && run.sessionId !== h.sessionId, `new session id ${run.sessionId}`);
    const file = h.env.transcriptPath(run.sessionId)!;
    assert.ok(file, 'the new session has its own transcript');
    const first = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.type === 'user');
    assert.equal(first.message.content, 'start something new');
    assert.equal(first.cwd, fs.realpathSync(allowed));
    assert.deepEqual(h.switches, [{ promptId: id, reason: 'new', sessionId: run.sessionId, cwd: fs.realpathSync(allowed) }]);
    assert.equal(runner.currentSessionId, h.sessionId, 'resumes still go to the shared session');
  });

  it('rejects a project the host did not allow, without touching the disk, and fails a listed one that is gone', async () => {
    const gone = path.join(h.env.root, 'gone');
    await h.start({ newSessionProjects: [allowed, gone] });
    const elsewhere = h.queue('escape', { kind: 'new', project: h.env.home });
    const relative = h.queue('relative', { kind: 'new', project: 'allowed' });
    const dotdot = h.queue('dotdot', { kind: 'new', project: `${allowed}/../h` });
    const missing = h.queue('missing', { kind: 'new', project: gone });

    assert.match((await h.waitForState(elsewhere, 'rejected')).error!, /does not allow new sessions in/);
    assert.match((await h.waitForState(relative, 'rejected')).error!, /absolute project path/);
    assert.match((await h.waitForState(dotdot, 'rejected')).error!, /does not allow new sessions in/);
    assert.match((await h.waitForState(missing, 'failed')).error!, /is missing on the host/);
    assert.equal(h.requestsWith().length, 1, 'only the session created by the harness reached the API');
  });

  it('rejects every new session when the host allows none', async () => {
    await h.start();
    const id = h.queue('new please', { kind: 'new', project: allowed });
    assert.match((await h.waitForState(id, 'rejected')).error!, /does not allow prompters to start new sessions/);
  });
});
