import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { Origin, addPrompt, readRuns, setRun } from '../../../protocol/src';
import { isProcessAlive } from '../../../extension/src/core/prompts/liveProcess';
import { liveSessionProcesses } from '../../../extension/src/core/prompts/sessionActivity';
import { noteStarted } from '../../../extension/src/core/prompts/startedJournal';
import { waitFor } from '../../helpers/waitFor';
import { makeHarness, type Harness } from './harness';

/** What the relay holds of a document at this moment: a host that dies now leaves exactly this. */
function snapshot(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

describe('prompt runner: cancelling, stopping and host restarts', function () {
  let h: Harness;
  beforeEach(async () => (h = await makeHarness()));
  afterEach(() => h.dispose());

  /** Queues a prompt the fake API holds for 30 s and waits until claude is waiting for the answer. */
  async function startSlow(label: string): Promise<string> {
    const id = h.queue(`${label} [[delay: 30000]]`);
    await h.waitForState(id, 'running');
    await waitFor(() => h.requestsWith(label).length === 1 && h.fake.inFlight === 1, { timeoutMs: 15_000, what: `claude to send "${label}"` });
    return id;
  }

  it('cancels a queued prompt, stops a running one, and goes on with the queue', async () => {
    await h.start();
    const slow = await startSlow('slow job');
    const waiting = h.queue('never sent');
    await h.waitForState(waiting, 'queued');
    const [claude] = await liveSessionProcesses(h.env.claudeDir, h.sessionId);
    assert.ok(claude, 'the running claude registered itself');

    h.cancel(waiting, 'bob');
    const cancelled = await h.waitForState(waiting, 'cancelled');
    assert.match(cancelled.error!, /Cancelled by bob before it ran/);
    assert.equal(h.run(slow)?.state, 'running', 'cancelling one prompt leaves the other alone');

    h.cancel(slow, 'ana');
    const stopped = await h.waitForState(slow, 'cancelled');
    assert.match(stopped.error!, /Stopped by ana/);
    assert.ok(!isProcessAlive(claude.pid), 'the claude process is gone');

    const after = h.queue('after the stop');
    await h.waitForState(after, 'done');
    assert.equal(h.requestsWith('never sent').length, 0);
    assert.equal(h.requestsWith('slow job').length, 1, 'the stopped prompt was not retried');
  });

  it('marks a run interrupted when the host dies mid-run, and the restarted host never runs it again', async () => {
    const first = await h.start();
    const id = await startSlow('long job');
    const relayTranscript = snapshot(h.transcriptDoc);
    const relayQueue = snapshot(h.queueDoc);
    assert.equal(readRuns(relayTranscript).get(id)?.state, 'running');
    await first.dispose();

    await h.start({ transcriptDoc: relayTranscript, queueDoc: relayQueue });
    const run = readRuns(relayTranscript).get(id);
    assert.equal(run?.state, 'interrupted');
    assert.match(run!.error!, /it is not run again/);

    const next = 'p-after-restart';
    addPrompt(relayQueue, { id: next, text: 'after restart', author: 'ana', tokenId: 'ana-token', createdAt: Date.now(), kind: 'resume' }, Origin.composer);
    await waitFor(() => readRuns(relayTranscript).get(next)?.state === 'done', { timeoutMs: 20_000, what: 'the next prompt to run' });
    assert.equal(h.requestsWith('long job').length, 1, 'the interrupted prompt reached claude once');
  });

  it('settles what a previous host left unfinished: approved, running, and started-but-unsynced runs', async () => {
    const approved = h.queue('approved before the crash');
    const running = h.queue('running before the crash');
    const unsynced = h.queue('started, status never reached the relay');
    const untouched = h.queue('queued and never approved');
    const at = Date.now();
    setRun(h.transcriptDoc, { promptId: approved, state: 'approved', updatedAt: at }, Origin.fixture);
    setRun(h.transcriptDoc, { promptId: running, state: 'running', updatedAt: at, startedAt: at }, Origin.fixture);
    setRun(h.transcriptDoc, { promptId: unsynced, state: 'queued', updatedAt: at }, Origin.fixture);
    await noteStarted(h.options().journalPath!, unsynced);

    await h.start();
    for (const id of [approved, running, unsynced]) assert.equal(h.run(id)?.state, 'interrupted', h.run(id)?.error);
    await h.waitForState(untouched, 'done');
    assert.equal(h.requestsWith('crash').length, 0);
    assert.equal(h.requestsWith('never reached the relay').length, 0);
  });

  it('stops its claude and marks the run interrupted when the host disposes it mid-run', async () => {
    const runner = await h.start();
    const id = await startSlow('disposed job');
    const [claude] = await liveSessionProcesses(h.env.claudeDir, h.sessionId);

    await runner.dispose();
    const run = h.run(id);
    assert.equal(run?.state, 'interrupted');
    assert.match(run!.error!, /host stopped while this prompt was running/);
    assert.ok(!isProcessAlive(claude.pid), 'the claude process is gone');
    const later = h.queue('queued after dispose');
    assert.equal(h.run(later), undefined, 'a disposed runner no longer follows the queue');
  });
});
