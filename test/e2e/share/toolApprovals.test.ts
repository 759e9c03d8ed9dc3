import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Origin, addAnswer, linkName, readApprovals, readRuns, type PendingApproval } from '../../../protocol/src';
import { joinShare, parseShareLink, type JoinedShare } from '../../../extension/src/core/sync/joinShare';
import { startRelay, type RelayHandle } from '../../../relay/src/startRelay';
import { silentLogger } from '../../../relay/src/logger';
import { CliProcess, runCliCaptured, shareLinks } from '../../helpers/cli';
import { makeClaudeEnv, type ClaudeTestEnv } from '../../helpers/claudeEnv';
import { startFakeAnthropic, type FakeAnthropic } from '../../helpers/fakeAnthropic';
import { deniedStockWrite } from '../../helpers/stockClient';
import { waitFor } from '../../helpers/waitFor';

// Issue 14 end to end: `tandem share --tool-approvals prompters` as a real process on its embedded
// relay, `tandem prompt --wait` and `tandem approve` with the prompter link, the real `claude`.

describe('e2e: remote tool approvals through the relay', function () {
  this.timeout(120_000);
  let fake: FakeAnthropic;
  let claude: ClaudeTestEnv;
  let env: NodeJS.ProcessEnv;
  let cwd: string;
  let sessionId: string;
  let relay: RelayHandle;
  const hosts: CliProcess[] = [];
  const joined: JoinedShare[] = [];

  beforeEach(async () => {
    fake = await startFakeAnthropic();
    claude = makeClaudeEnv(fake);
    env = { ...claude.baseEnv, ...claude.apiEnv, TANDEM_HOME: path.join(claude.root, 'tandem') };
    cwd = claude.project('proj');
    sessionId = await claude.createSession(cwd);
    relay = await startRelay({ port: 0, log: silentLogger });
  });

  afterEach(async () => {
    joined.forEach((j) => j.dispose());
    joined.length = 0;
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
    await relay.close();
    await fake.close();
    claude.dispose();
  });

  function host(): CliProcess {
    const h = new CliProcess(['share', sessionId, '--prompts', 'auto', '--tool-approvals', 'prompters', '--claude', claude.claudePath, '--relay', relay.url], env);
    hosts.push(h);
    return h;
  }

  async function pendingOn(link: string): Promise<{ share: JoinedShare; request: PendingApproval }> {
    const share = await joinShare(link);
    joined.push(share);
    const request = await waitFor(() => [...readApprovals(share.docs.transcript).values()].find((a) => a.state === 'pending'), { timeoutMs: 60_000, what: 'a pending tool request' });
    return { share, request };
  }

  it('prompt --wait prints the request with its id; an observer\'s answer is dropped by the relay; `tandem approve` from the prompter link is taken', async () => {
    const links = await shareLinks(host());
    const waiting = runCliCaptured(['prompt', links.prompter, 'make it [[bash: touch marker.txt]]', '--wait'], { env });
    const { share, request } = await pendingOn(links.observer);

    // a stock client sends an observer's write anyway: the relay drops it
    await deniedStockWrite(links.observer, (doc) => addAnswer(doc, { id: 'a-observer-1', requestId: request.id, decision: 'allow', author: 'eve', tokenId: 'forged-token', createdAt: Date.now() }, Origin.composer));
    const refusedCli = await runCliCaptured(['approve', links.observer, 'allow'], { env });
    assert.equal(refusedCli.code, 3);
    assert.match(refusedCli.stderr, /observer link: answering tool requests needs a prompter link/);
    assert.equal(readApprovals(share.docs.transcript).get(request.id)?.state, 'pending', 'the observer answered nothing');
    assert.ok(!fs.existsSync(path.join(cwd, 'marker.txt')));

    const prompter = linkName(parseShareLink(links.prompter).claims);
    const approved = await runCliCaptured(['approve', links.prompter, 'allow'], { env });
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /the host took your answer/);
    const late = await runCliCaptured(['approve', links.prompter, request.id, 'deny'], { env });
    assert.equal(late.code, 1);
    assert.ok(late.stderr.includes(`is allowed (by ${prompter})`), late.stderr);

    const result = await waiting;
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.includes(`(request ${request.id})`), result.stdout);
    assert.match(result.stdout, /touch marker\.txt/);
    assert.ok(fs.existsSync(path.join(cwd, 'marker.txt')));
    const run = await waitFor(() => [...readRuns(share.docs.transcript).values()].find((r) => r.state === 'done'), { what: 'the viewer to see the run done' });
    assert.equal(run.toolAnswers?.[0].by, prompter, 'the answer is under the link\'s bound name');
  });

  it('kill -9 of the host while a request is pending: the run is interrupted after a restart and the tool never runs', async () => {
    const first = host();
    const links = await shareLinks(first);
    void runCliCaptured(['prompt', links.prompter, 'make it [[bash: touch marker.txt]]'], { env });
    const { share, request } = await pendingOn(links.observer);
    first.kill('SIGKILL');
    await first.exited;
    // its claude, left without a host, gets no answer: the question closes unanswered, the tool is denied
    await waitFor(() => fs.readFileSync(claude.transcriptPath(sessionId)!, 'utf8').includes('Tool permission stream closed'), { timeoutMs: 30_000, what: 'the orphaned claude to end its question unanswered' });

    const second = host();
    const again = await shareLinks(second);
    const viewer = await joinShare(again.observer);
    joined.push(viewer);
    const run = await waitFor(() => [...readRuns(viewer.docs.transcript).values()].find((r) => r.state === 'interrupted'), { timeoutMs: 30_000, what: 'the run to be interrupted' });
    assert.match(run.error ?? '', /not run again/);
    await waitFor(() => readApprovals(viewer.docs.transcript).get(request.id)?.state === 'withdrawn', { what: 'the request to be withdrawn' });
    assert.ok(!fs.existsSync(path.join(cwd, 'marker.txt')), 'the tool never ran');
    share.dispose();
  });
});
