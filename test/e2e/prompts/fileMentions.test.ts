import assert from 'node:assert/strict';
import path from 'node:path';
import { DEFAULT_MAX_PENDING_PROMPTS, Origin, addPrompt, boundAuthor, isTerminal, readRuns, type RunStatus } from '../../../protocol/src';
import { joinShare, type JoinedShare } from '../../../extension/src/core/sync/joinShare';
import { CliProcess, shareLinks } from '../../helpers/cli';
import { makeClaudeEnv, type ClaudeTestEnv } from '../../helpers/claudeEnv';
import { startFakeAnthropic, type FakeAnthropic } from '../../helpers/fakeAnthropic';
import { insideSpellings, makeMentionWorld, outsideSpellings, type MentionWorld } from '../../helpers/mentionSpellings';
import { waitFor } from '../../helpers/waitFor';

// Issue 10 item 1, as an attacker holding a prompter link would try it: `tandem share --prompts auto`
// as a real process, the real relay, and the real `claude` CLI against the fake API. Every spelling
// of a mention outside the project is queued; none may get a secret's content (or an outside folder's
// listing) into any request the API receives. Mentions inside the project still attach their file.

const BATCH = DEFAULT_MAX_PENDING_PROMPTS - 5;

describe('e2e: @-mentions in remote prompts never attach files outside the project', function () {
  this.timeout(180_000);
  let fake: FakeAnthropic;
  let env: ClaudeTestEnv;
  let world: MentionWorld;
  let host: CliProcess;
  let prompter: JoinedShare;

  before(async () => {
    fake = await startFakeAnthropic();
    env = makeClaudeEnv(fake);
    world = makeMentionWorld(env.root, env.home);
    const sessionId = await env.createSession(world.project);
    const args = ['share', sessionId, '--prompts', 'auto', '--claude', env.claudePath, '--port', '0', '--label', 'test-host'];
    host = new CliProcess(args, { ...env.baseEnv, ...env.apiEnv, TANDEM_HOME: path.join(env.root, 'tandem') });
    prompter = await joinShare((await shareLinks(host)).prompter);
  });

  after(async () => {
    prompter?.dispose();
    await host?.stop();
    await fake?.close();
    env?.dispose();
  });

  it('refuses every outside spelling and runs the inside ones; no secret reaches the API', async () => {
    const outside = outsideSpellings(world);
    // two inside prompts: each run waits for the transcript to be still, so more would only add time
    const inside = insideSpellings(world).slice(0, 2);
    const queued = [...outside, ...inside].map((s, i) => ({ ...s, id: `p-mention-${i}` }));
    const leaks = () => fake.requests.filter((r) => r.body.includes(world.secret) || r.body.includes(world.secretName)).map((r) => r.lastUserText.slice(0, 120));
    // in batches below the relay's cap on prompts one link may have pending (DEFAULT_MAX_PENDING_PROMPTS)
    let runs = readRuns(prompter.docs.transcript);
    for (let start = 0; start < queued.length; start += BATCH) {
      const batch = queued.slice(start, start + BATCH);
      for (const q of batch) addPrompt(prompter.docs.queue, { id: q.id, text: q.text, ...boundAuthor(prompter.link.claims), createdAt: Date.now(), kind: 'resume' }, Origin.composer);
      runs = await waitFor(
        () => {
          // a leak fails the test at once, naming the prompt that carried it
          if (leaks().length) throw new Error(`outside content reached the API with: ${leaks().map((t) => JSON.stringify(t)).join(', ')}`);
          const all = readRuns(prompter.docs.transcript);
          return batch.every((q) => isTerminal(all.get(q.id)?.state ?? 'queued')) ? all : undefined;
        },
        { timeoutMs: 60_000, what: `final statuses of prompts ${start}–${start + batch.length - 1}` },
      );
    }
    const state = (id: string): RunStatus => runs.get(id)!;

    const ran = queued.slice(0, outside.length).filter((q) => state(q.id).state !== 'rejected');
    assert.deepEqual({ leaked: leaks(), ranOutside: ran.map((q) => q.label) }, { leaked: [], ranOutside: [] }, 'outside content reached the API, or an outside spelling was not refused');
    for (const q of queued.slice(0, outside.length)) assert.match(state(q.id).error ?? '', /^The prompt mentions @/, q.label);
    for (const q of queued.slice(outside.length)) assert.equal(state(q.id).state, 'done', `${q.label}: ${state(q.id).error ?? ''}`);
    assert.ok(
      fake.requests.some((r) => r.body.includes(world.insideContent)),
      'a mention inside the project did not attach its file: the test could not have seen a leak',
    );
  });
});
