import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Origin, addPrompt, boundAuthor, joinLines, readLines, readPrompts, readRuns, type RunStatus } from '../../../protocol/src';
import { joinShare, type JoinedShare } from '../../../extension/src/core/sync/joinShare';
import { startRelay, type RelayHandle } from '../../../relay/src/startRelay';
import { silentLogger } from '../../../relay/src/logger';
import { CliProcess, runCliCaptured, shareLinks } from '../../helpers/cli';
import { makeClaudeEnv, type ClaudeTestEnv } from '../../helpers/claudeEnv';
import { startFakeAnthropic, type FakeAnthropic } from '../../helpers/fakeAnthropic';
import { freePort } from '../../../extension/src/core/sync/freePort';
import { deniedStockWrite } from '../../helpers/stockClient';
import { waitFor } from '../../helpers/waitFor';

// Issue 4 end to end: `tandem share` as a real process, a real relay, viewers over websockets, and
// queued prompts replayed by the real `claude` CLI against a fake Anthropic API on loopback.

type World = { fake: FakeAnthropic; claude: ClaudeTestEnv; env: NodeJS.ProcessEnv; tandemHome: string };

async function makeWorld(): Promise<World> {
  const fake = await startFakeAnthropic();
  const claude = makeClaudeEnv(fake);
  const tandemHome = path.join(claude.root, 'tandem');
  return { fake, claude, tandemHome, env: { ...claude.baseEnv, ...claude.apiEnv, TANDEM_HOME: tandemHome } };
}

function shareArgs(w: World, sessionId: string, ...extra: string[]): string[] {
  return ['share', sessionId, '--prompts', 'auto', '--claude', w.claude.claudePath, '--label', 'test-host', ...extra];
}

function transcriptOf(w: World, sessionId: string): string {
  const file = w.claude.transcriptPath(sessionId);
  assert.ok(file, `no transcript for ${sessionId}`);
  return file;
}

async function queue(link: string, text: string): Promise<{ share: JoinedShare; id: string }> {
  const share = await joinShare(link);
  const id = `p-${Math.random().toString(36).slice(2, 12)}`;
  addPrompt(share.docs.queue, { id, text, ...boundAuthor(share.link.claims), createdAt: Date.now(), kind: 'resume' }, Origin.composer);
  return { share, id };
}

async function finalRun(share: JoinedShare, id: string, timeoutMs = 30_000): Promise<RunStatus> {
  return waitFor(
    () => {
      const s = readRuns(share.docs.transcript).get(id);
      return s && ['done', 'failed', 'rejected', 'cancelled', 'interrupted'].includes(s.state) ? s : undefined;
    },
    { timeoutMs, what: `the final status of prompt ${id}` },
  );
}


describe('e2e: tandem share, open and prompt', function () {
  this.timeout(90_000);
  let w: World;
  let sessionId: string;
  let host: CliProcess;
  let links: Awaited<ReturnType<typeof shareLinks>>;
  const viewers: JoinedShare[] = [];

  before(async () => {
    w = await makeWorld();
    sessionId = await w.claude.createSession(w.claude.project('proj'));
    host = new CliProcess(shareArgs(w, sessionId, '--port', '0'), w.env);
    links = await shareLinks(host);
  });

  after(async () => {
    viewers.forEach((v) => v.dispose());
    await host?.stop();
    await w?.fake.close();
    w?.claude.dispose();
  });

  it('prints three links, and `open --raw` writes the host file byte for byte', async () => {
    assert.match(links.observer, /^http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]{43}#t=/);
    const raw = await runCliCaptured(['open', links.observer, '--raw'], { env: w.env });
    assert.equal(raw.code, 0, raw.stderr);
    assert.equal(raw.stdout, fs.readFileSync(transcriptOf(w, sessionId), 'utf8'));
    const readable = await runCliCaptured(['open', links.observer], { env: w.env });
    assert.match(readable.stdout, /› hello/);
    assert.match(readable.stdout, /fake reply to: hello/);
  });

  it('delivers lines appended to the host file to a live viewer', async () => {
    const viewer = await joinShare(links.observer);
    viewers.push(viewer);
    const appended = ['{"type":"custom-title","customTitle":"appended by the test","sessionId":"x"}', '{"type":"something-new","n":1}'];
    fs.appendFileSync(transcriptOf(w, sessionId), appended.join('\n') + '\n');
    await waitFor(() => readLines(viewer.docs.transcript).slice(-2).join() === appended.join(), { timeoutMs: 10_000, what: 'the appended lines at the viewer' });
    assert.equal(joinLines(readLines(viewer.docs.transcript)), fs.readFileSync(transcriptOf(w, sessionId), 'utf8'));
  });

  it('runs a queued prompt with the real claude CLI: status done, its lines reach the viewer', async () => {
    const r = await runCliCaptured(['prompt', links.prompter, 'please summarise', '--wait'], { env: w.env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^queued prompt /m);
    assert.match(r.stdout, /^done/m);
    const viewer = await joinShare(links.observer);
    viewers.push(viewer);
    await waitFor(() => readLines(viewer.docs.transcript).some((l) => l.includes('fake reply to: please summarise')), { timeoutMs: 10_000, what: "claude's reply at the viewer" });
    assert.ok(w.fake.requests.some((q) => q.lastUserText === 'please summarise'));
  });

  it('passes shell metacharacters and 200 KB of text to claude verbatim, executing nothing', async () => {
    const marker = path.join(w.claude.root, 'pwned');
    const text = `$(touch ${marker}) \`touch ${marker}\`; touch ${marker} && echo "it's" 'quoted' | cat > ${marker}\n${'x'.repeat(200_000)}`;
    const { share, id } = await queue(links.prompter, text);
    viewers.push(share);
    const s = await finalRun(share, id);
    assert.equal(s.state, 'done', s.error);
    assert.ok(w.fake.requests.some((q) => q.lastUserText === text), 'the fake API did not receive the prompt verbatim');
    assert.ok(!fs.existsSync(marker), 'a shell ran part of the prompt');
  });

  it('runs two prompts queued together one after the other, never overlapping', async () => {
    const share = await joinShare(links.prompter);
    viewers.push(share);
    const ids = ['p-first-0001', 'p-second-002'];
    share.docs.queue.transact(() => {
      for (const id of ids) addPrompt(share.docs.queue, { id, text: `[[delay: 300]] ${id}`, ...boundAuthor(share.link.claims), createdAt: Date.now(), kind: 'resume' }, Origin.composer);
    }, Origin.composer);
    const [a, b] = [await finalRun(share, ids[0]), await finalRun(share, ids[1])];
    assert.equal(a.state, 'done');
    assert.equal(b.state, 'done');
    assert.ok(b.startedAt! >= a.endedAt!, `the second run started at ${b.startedAt}, before the first ended at ${a.endedAt}`);
    assert.equal(w.fake.maxInFlight, 1);
  });

  it('refuses prompts from an observer link, in the CLI and at the relay', async () => {
    const r = await runCliCaptured(['prompt', links.observer, 'sneaky'], { env: w.env });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /observer link/);
    // a stock client does send the write; the relay must drop it
    await deniedStockWrite(links.observer, (doc) => addPrompt(doc, { id: 'p-observer-1', text: 'sneaky', author: 'eve', tokenId: 'forged-token', createdAt: Date.now(), kind: 'resume' }, Origin.composer));
    const fresh = await joinShare(links.prompter);
    viewers.push(fresh);
    assert.deepEqual(readPrompts(fresh.docs.queue).valid.map((p) => p.id).filter((id) => id === 'p-observer-1'), []);
    assert.ok(!w.fake.requests.some((q) => q.lastUserText === 'sneaky'));
  });

  it('fails a prompt for a session claude cannot find, with its message', async () => {
    const other = await w.claude.createSession(w.claude.project('gone'));
    const host2 = new CliProcess(shareArgs(w, other, '--port', '0'), w.env);
    try {
      const l = await shareLinks(host2);
      fs.rmSync(transcriptOf(w, other));
      const { share, id } = await queue(l.prompter, 'are you there?');
      viewers.push(share);
      const s = await finalRun(share, id);
      assert.equal(s.state, 'failed');
      assert.match(s.error ?? '', /No conversation found/);
    } finally {
      await host2.stop();
    }
  });

  it('reports a clear error and exit code 3 for an expired link, 4 for an unreachable relay, 2 for a non-link', async () => {
    const expired = await runCliCaptured(['open', links.observer.replace(/#t=.*/, '#t=') + 'garbage'], { env: w.env });
    assert.equal(expired.code, 2);
    assert.match(expired.stderr, /token in the link is damaged/);
    const port = await freePort();
    const unreachable = await runCliCaptured(['open', links.observer.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`)], { env: { ...w.env } });
    assert.equal(unreachable.code, 4, unreachable.stderr);
    assert.match(unreachable.stderr, /could not reach the relay/);
  });
});

describe('e2e: restarts', function () {
  this.timeout(120_000);
  let w: World;
  let relay: RelayHandle | undefined;

  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
    await w.fake.close();
    w.claude.dispose();
  });

  it('a host killed mid-run comes back with the same links, marks the run interrupted and does not run it again', async () => {
    relay = await startRelay({ port: 0, dataDir: path.join(w.claude.root, 'relay'), log: silentLogger });
    const sessionId = await w.claude.createSession(w.claude.project('proj'));
    const first = new CliProcess(shareArgs(w, sessionId, '--relay', relay.url), w.env);
    const links = await shareLinks(first);
    const { share, id } = await queue(links.prompter, '[[delay: 3000]] slow one');
    try {
      await waitFor(() => w.fake.requests.some((q) => q.lastUserText.includes('slow one')), { timeoutMs: 30_000, what: 'claude to send the slow prompt' });
      first.kill('SIGKILL');
      await first.exited;
      const second = new CliProcess(shareArgs(w, sessionId, '--relay', relay.url), w.env);
      try {
        const again = await shareLinks(second);
        assert.equal(again.prompter, links.prompter, 'the restarted host should continue the same share');
        const s = await finalRun(share, id);
        assert.equal(s.state, 'interrupted');
        const next = await queue(links.prompter, 'after the restart');
        share.dispose();
        const after = await finalRun(next.share, next.id);
        const file = transcriptOf(w, sessionId);
        await waitFor(() => joinLines(readLines(next.share.docs.transcript)) === fs.readFileSync(file, 'utf8'), { timeoutMs: 20_000, what: 'the restarted host to publish exactly the file (no line twice)' });
        next.share.dispose();
        assert.equal(after.state, 'done');
        assert.equal(w.fake.requests.filter((q) => q.lastUserText.includes('slow one')).length, 1);
      } finally {
        await second.stop();
      }
    } finally {
      share.dispose();
    }
  });

  it('a relay restarted mid-share loses and duplicates no line at the viewer', async () => {
    const port = await freePort();
    const dataDir = path.join(w.claude.root, 'relay');
    const relayProcess = () => new CliProcess(['relay', '--port', String(port), '--data', dataDir], w.env);
    let relayProc = relayProcess();
    await relayProc.waitForOutput(/listening on/);
    const sessionId = await w.claude.createSession(w.claude.project('proj'));
    const host = new CliProcess(shareArgs(w, sessionId, '--relay', `http://127.0.0.1:${port}`), w.env);
    const viewer = await joinShare((await shareLinks(host)).observer);
    const file = transcriptOf(w, sessionId);
    const append = (tag: string) => fs.appendFileSync(file, [1, 2, 3].map((n) => JSON.stringify({ type: 'test-line', tag, n })).join('\n') + '\n');
    const converged = (what: string) => waitFor(() => joinLines(readLines(viewer.docs.transcript)) === fs.readFileSync(file, 'utf8'), { timeoutMs: 20_000, what });
    try {
      append('before');
      await converged('the lines before the restart');
      relayProc.kill('SIGKILL');
      await relayProc.exited;
      append('while-down');
      relayProc = relayProcess();
      await relayProc.waitForOutput(/listening on/);
      append('after');
      await converged('every line after the relay came back');
      const tags = readLines(viewer.docs.transcript).filter((l) => l.includes('"test-line"')).map((l) => JSON.parse(l).tag);
      assert.deepEqual(tags, ['before', 'before', 'before', 'while-down', 'while-down', 'while-down', 'after', 'after', 'after']);
    } finally {
      viewer.dispose();
      await host.stop();
      await relayProc.stop();
    }
  });
});
