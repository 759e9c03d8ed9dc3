import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeHarness, type Harness } from './harness';

const userTexts = (file: string): string[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((l) => l.type === 'user' && typeof l.message?.content === 'string')
    .map((l) => l.message.content);

describe('prompt runner: replaying queued prompts with the real claude CLI', function () {
  let h: Harness;
  beforeEach(async () => (h = await makeHarness()));
  afterEach(() => h.dispose());

  it('resumes the shared session: the prompt lands in its transcript and the run is done with its cost', async () => {
    const file = h.env.transcriptPath(h.sessionId)!;
    const before = fs.readFileSync(file, 'utf8');
    await h.start();
    const id = h.queue('please summarise the session');

    const run = await h.waitForState(id, 'done');
    assert.equal(run.sessionId, h.sessionId);
    assert.equal(run.resultText, 'fake reply to: please summarise the session');
    assert.ok(run.costUsd !== undefined && run.costUsd > 0, `cost ${run.costUsd}`);
    assert.equal(run.approvedBy, 'policy');
    assert.ok(run.startedAt! <= run.endedAt!);
    const after = fs.readFileSync(file, 'utf8');
    assert.ok(after.startsWith(before), 'the run appended to the same file');
    assert.deepEqual(userTexts(file), ['hello', 'please summarise the session']);
    assert.equal(h.requestsWith('please summarise')[0].sessionId, h.sessionId);
  });

  it('runs two prompts queued together one after the other, in queue order, never overlapping', async () => {
    await h.start();
    const first = h.queue('first [[delay: 300]]');
    const second = h.queue('second');

    const a = await h.waitForState(first, 'done');
    const b = await h.waitForState(second, 'done');
    assert.ok(a.endedAt! <= b.startedAt!, `second started at ${b.startedAt}, first ended at ${a.endedAt}`);
    assert.equal(h.fake.maxInFlight, 1, 'the fake API never saw two requests at once');
    assert.deepEqual(userTexts(h.env.transcriptPath(h.sessionId)!), ['hello', 'first [[delay: 300]]', 'second']);
  });

  it('fails a prompt for an unknown session with the CLI\'s own message', async () => {
    const unknown = crypto.randomUUID();
    await h.start({ sessionId: unknown });
    const id = h.queue('anyone there?');

    const run = await h.waitForState(id, 'failed');
    assert.match(run.error!, new RegExp(`No conversation found with session ID: ${unknown}`));
    assert.equal(run.sessionId, undefined, 'no session was written');
    assert.equal(h.requestsWith('anyone there').length, 0);
  });

  it('passes shell metacharacters and 200 KB of text verbatim on stdin, and nothing is executed', async () => {
    const pwned = path.join(h.env.root, 'pwned');
    const keep = h.env.project('keep');
    const hostile = [
      `$(touch ${pwned}-dollar)`,
      `\`touch ${pwned}-backtick\``,
      `; rm -rf ${keep} ; touch ${pwned}-semicolon`,
      `' " \\" && touch ${pwned}-and || touch ${pwned}-or | tee ${pwned}-pipe > ${pwned}-redirect`,
      '--resume not-a-session -p --dangerously-skip-permissions',
      '!touch bang.txt',
      'multi\nline\r\nwith\ttabs and ünïcødé ✓',
    ].join('\n');
    const text = `${hostile}\n${'x'.repeat(200 * 1024)}\nend of prompt`;
    await h.start();
    const id = h.queue(text);

    await h.waitForState(id, 'done');
    const received = h.requestsWith('end of prompt');
    assert.equal(received.length, 1);
    // compared without assert.equal: a 200 KB diff would drown the report
    const got = received[0].lastUserText;
    assert.ok(got === text, `received ${got.length} characters, first difference at ${[...text].findIndex((c, i) => got[i] !== c)}`);
    assert.deepEqual(
      fs.readdirSync(h.env.root).filter((n) => n.startsWith('pwned')),
      [],
      'no command in the prompt ran',
    );
    assert.ok(fs.existsSync(keep), 'rm in the prompt did not run');
    assert.ok(!fs.existsSync(path.join(h.cwd, 'bang.txt')));
    const loud = h.logs.filter((l) => l.level !== 'debug' && l.message.includes('touch'));
    assert.deepEqual(loud, [], 'prompt text is not logged at info level');
  });

  it('refuses a prompt that @-mentions a file outside the project, and runs one that mentions a file inside', async () => {
    fs.writeFileSync(path.join(h.env.root, 'secret.txt'), 'TOP-SECRET-OUTSIDE');
    fs.writeFileSync(path.join(h.cwd, 'notes.txt'), 'notes inside the project');
    await h.start();
    const outside = h.queue('what does @../secret.txt say?');
    const inside = h.queue('what does @notes.txt say?');

    assert.match((await h.waitForState(outside, 'rejected')).error!, /mentions @\.\.\/secret\.txt, which Claude Code could read as \S*secret\.txt, outside the project/);
    await h.waitForState(inside, 'done');
    assert.equal(h.requestsWith('secret').length, 0);
    assert.ok(!fs.readFileSync(h.env.transcriptPath(h.sessionId)!, 'utf8').includes('TOP-SECRET-OUTSIDE'));
  });
});
