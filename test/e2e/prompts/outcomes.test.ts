import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Origin, queueRoom } from '../../../protocol/src';
import { waitFor } from '../../helpers/waitFor';
import { makeHarness, type Harness } from './harness';

const transcriptLines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('prompt runner: what a run reports', function () {
  let h: Harness;
  beforeEach(async () => (h = await makeHarness()));
  afterEach(() => h.dispose());

  it('reports the tools Claude Code denied, and the denied command did not run', async () => {
    await h.start();
    const id = h.queue('[[bash: touch made-by-bash]]');
    const run = await h.waitForState(id, 'done');
    assert.equal(run.permissionDenials?.length, 1);
    assert.equal(run.permissionDenials![0].toolName, 'Bash');
    assert.deepEqual((run.permissionDenials![0].input as { command: string }).command, 'touch made-by-bash');
    assert.ok(!fs.existsSync(path.join(h.cwd, 'made-by-bash')));
  });

  it('lets the host allow tools for remote prompts (--allowedTools)', async () => {
    await h.start({ claude: { ...h.options().claude, allowedTools: ['Bash(touch:*)'] } });
    const id = h.queue('[[bash: touch made-by-bash]]');
    const run = await h.waitForState(id, 'done');
    assert.equal(run.permissionDenials, undefined);
    assert.ok(fs.existsSync(path.join(h.cwd, 'made-by-bash')));
  });

  it("does not let a remote prompt run the project's custom commands, whose allowed-tools would widen permissions", async () => {
    const commands = path.join(h.cwd, '.claude', 'commands');
    fs.mkdirSync(commands, { recursive: true });
    fs.writeFileSync(path.join(commands, 'widen.md'), '---\nallowed-tools: Bash(touch:*)\n---\nplease [[bash: touch made-by-$ARGUMENTS]]\n');
    const runner = await h.start();
    const refused = h.queue('/widen remote');
    assert.match((await h.waitForState(refused, 'done')).resultText!, /Unknown command: \/widen/);
    assert.ok(!fs.existsSync(path.join(h.cwd, 'made-by-remote')));

    await runner.dispose();
    await h.start({ claude: { ...h.options().claude, allowSlashCommands: true } });
    const allowed = h.queue('/widen host-allowed');
    await h.waitForState(allowed, 'done');
    assert.ok(fs.existsSync(path.join(h.cwd, 'made-by-host-allowed')), 'the host can opt in');
  });

  it('fails with the API error Claude Code reports', async () => {
    await h.start();
    const id = h.queue('[[status: 500]]');
    assert.match((await h.waitForState(id, 'failed')).error!, /API Error: 500/);
  });

  it('fails with what to do when the claude executable is missing', async () => {
    const missing = path.join(h.env.root, 'no-such-claude');
    await h.start({ claude: { ...h.options().claude, command: missing } });
    const id = h.queue('hello?');
    const run = await h.waitForState(id, 'failed');
    assert.equal(run.error, `Claude Code was not found at "${missing}"; install it or set the path to claude in Tandem's settings.`);
  });

  it("fails with that message when the session's project folder is gone, before asking for approval", async () => {
    const gone = path.join(h.env.root, 'moved-away');
    await h.start({ cwd: gone });
    const id = h.queue('still there?');
    const run = await h.waitForState(id, 'failed');
    assert.match(run.error!, /project folder .*moved-away no longer exists on the host/);
    assert.equal(run.approvedBy, undefined, 'refused before the approver was asked');
  });

  it('refuses a malformed queue entry with a reason, ignores garbage, and runs the next good prompt', async () => {
    await h.start();
    const prompts = queueRoom(h.queueDoc).prompts;
    const good = 'p-good-one';
    h.queueDoc.transact(() => {
      prompts.push([{ id: 'p-empty-text', text: '', author: 'mallory', tokenId: 'mallory-token', createdAt: 1, kind: 'resume' }, 42, { id: '../../etc' }]);
      // a malformed copy of a good prompt's id, ahead of it, must not get the good one refused
      prompts.push([{ id: good, text: '', author: 'mallory', tokenId: 'mallory-token', createdAt: 1, kind: 'resume' }]);
      prompts.push([{ id: good, text: 'good one', author: 'ana', tokenId: 'ana-token', createdAt: 2, kind: 'resume' }]);
    }, Origin.composer);

    assert.match((await h.waitForState('p-empty-text', 'rejected')).error!, /could not read this prompt: the prompt is empty/);
    await h.waitForState(good, 'done');
    assert.equal(h.logs.filter((l) => l.level === 'warn' && /queue entry was ignored/.test(l.message)).length, 2);
  });

  it('drops Claude Code variables inherited from the host (a host running inside Claude Code)', async () => {
    const baseEnv = { ...h.env.baseEnv, CLAUDECODE: '1', CLAUDE_CODE_ENTRYPOINT: 'claude-vscode' };
    await h.start({ baseEnv });
    const id = h.queue('where am I from?');
    await h.waitForState(id, 'done');
    const mine = transcriptLines(h.env.transcriptPath(h.sessionId)!).filter((l) => l.type === 'user' && l.message?.content === 'where am I from?');
    assert.equal(mine.length, 1);
    assert.equal(mine[0].entrypoint, 'sdk-cli', 'the inherited CLAUDE_CODE_ENTRYPOINT did not reach claude');
  });

  it("writes a replay's end only once the host has shared what it wrote (the reply is there before `done`)", async () => {
    // the host's publisher, held until the test lets it finish: the runner must wait for it
    let publishCalls = 0;
    let release!: () => void;
    const published = new Promise<void>((resolve) => (release = resolve));
    let replyOnDisk = false;
    await h.start({
      untilPublished: () => {
        publishCalls++;
        replyOnDisk = transcriptLines(h.env.transcriptPath(h.sessionId)!).some((l) => l.type === 'user' && l.message?.content === 'share me first');
        return published;
      },
    });
    const id = h.queue('share me first');
    await waitFor(() => publishCalls > 0, { what: 'the runner to ask the host to publish' });
    assert.ok(replyOnDisk, 'the runner asked for the publish before claude wrote the turn');
    // the run stays running while the host has not shared the reply
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(h.run(id)?.state, 'running');
    release();
    await h.waitForState(id, 'done');
    assert.equal(publishCalls, 1);
  });

  it('a host whose publish never finishes delays the end of a run, never loses it', async () => {
    await h.start({ untilPublished: () => new Promise<void>(() => undefined) });
    const id = h.queue('stuck publisher');
    await h.waitForState(id, 'done', 20_000);
  });

  it('a host whose publish fails still gets the end of the run, and the failure is logged', async () => {
    await h.start({ untilPublished: () => Promise.reject(new Error('the relay went away')) });
    const id = h.queue('failing publisher');
    await h.waitForState(id, 'done');
    assert.ok(h.logs.some((l) => l.level === 'warn' && l.message.includes('sharing what the run wrote failed: the relay went away')), JSON.stringify(h.logs));
  });

  it("a fork's end waits for the host to follow the new session", async () => {
    let release!: () => void;
    const followed = new Promise<void>((resolve) => (release = resolve));
    let following = false;
    await h.start({
      claude: { ...h.options().claude, extraArgs: ['--fork-session'] },
      onSessionSwitch: (e) => {
        h.switches.push(e);
        return followed.then(() => void (following = true));
      },
      untilPublished: async () => assert.ok(following, 'asked to publish before the host followed the fork'),
    });
    const id = h.queue('fork and wait');
    await waitFor(() => h.switches.length > 0, { timeoutMs: 20_000, what: 'the fork to be reported' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(h.run(id)?.state, 'running', 'the end was written before the host followed the fork');
    release();
    const run = await h.waitForState(id, 'done');
    assert.deepEqual(h.switches.map((s) => [s.reason, s.sessionId]), [['fork', run.sessionId]]);
  });

  it('follows the session when Claude Code continues it under a new id, and the warm process stays on it', async () => {
    // --fork-session is how a resume gets a new id in Claude Code 2.1 (older versions always did)
    const runner = await h.start({ claude: { ...h.options().claude, extraArgs: ['--fork-session'] } });
    const first = h.queue('fork one');
    const a = await h.waitForState(first, 'done');
    assert.ok(a.sessionId && a.sessionId !== h.sessionId);
    assert.equal(runner.currentSessionId, a.sessionId);

    const second = h.queue('fork two');
    const b = await h.waitForState(second, 'done');
    assert.equal(b.sessionId, a.sessionId, 'the warm process went on writing the fork it made');
    assert.deepEqual(
      h.switches.map((s) => [s.reason, s.previousSessionId, s.sessionId]),
      [['fork', h.sessionId, a.sessionId]],
    );
    const lines = transcriptLines(h.env.transcriptPath(b.sessionId!)!);
    assert.ok(
      lines.some((l) => l.type === 'user' && l.message?.content === 'fork one'),
      'the second run continued the first fork, not the original session',
    );
  });
});
