import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { Origin, addPrompt, readRuns } from '../../../protocol/src';
import { processStartTime } from '../../../extension/src/core/prompts/liveProcess';
import { ProcessPool } from '../../../extension/src/core/prompts/processPool';
import { waitFor } from '../../helpers/waitFor';
import { makeHarness, type Harness } from './harness';

describe('prompt runner: never two writers on one session', function () {
  let h: Harness;
  let other: ChildProcess | undefined;
  beforeEach(async () => (h = await makeHarness()));
  afterEach(async () => {
    other?.kill('SIGKILL');
    other = undefined;
    await h.dispose();
  });

  /** Registers a process in Claude Code's live-process registry the way `claude` does for itself. */
  function register(pid: number, procStart: string | undefined): void {
    const dir = path.join(h.env.claudeDir, 'sessions');
    fs.mkdirSync(dir, { recursive: true });
    const entry = { pid, sessionId: h.sessionId, cwd: h.cwd, startedAt: Date.now(), procStart, version: '2.1.197', kind: 'interactive', entrypoint: 'cli' };
    fs.writeFileSync(path.join(dir, `${pid}.json`), JSON.stringify(entry));
  }

  it('waits while another claude has the session open, says so, and runs once it exits', async () => {
    // a stand-in for an interactive `claude` (a terminal UI cannot run here); the registry entry is what the runner reads
    const proc = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    other = proc;
    await waitFor(() => proc.pid !== undefined && processStartTime(proc.pid) !== undefined);
    register(proc.pid!, processStartTime(proc.pid!));
    await h.start();
    const id = h.queue('after the terminal closes');

    const waiting = await waitFor(() => (h.run(id)?.waiting ? h.run(id) : undefined), { what: 'the run to say it waits' });
    assert.equal(waiting.state, 'approved');
    assert.match(waiting.waiting!, new RegExp(`pid ${proc.pid}, cli\\) has this session open on the host`));
    assert.equal(h.requestsWith('after the terminal closes').length, 0);

    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill();
    await exited;
    const run = await h.waitForState(id, 'done');
    assert.equal(run.waiting, undefined, 'the waiting note is gone once it runs');
  });

  it('ignores a registry entry whose process is gone or whose pid now belongs to another process', async () => {
    register(999_999, undefined);
    register(process.pid, '1'); // a live pid, but not the process that registered (start time differs)
    await h.start();
    const id = h.queue('no one is here');
    const run = await h.waitForState(id, 'done');
    assert.equal(run.waiting, undefined);
  });

  it('waits until the transcript has been quiet when someone else is writing it', async () => {
    const file = h.env.transcriptPath(h.sessionId)!;
    await h.start({ transcriptPath: () => file, quietMs: 400 });
    let lastWrite = 0;
    let writes = 0;
    const writer = setInterval(() => {
      fs.appendFileSync(file, `${JSON.stringify({ type: 'progress', at: Date.now() })}\n`);
      lastWrite = Date.now();
      writes++;
    }, 50);
    const id = h.queue('after the writer stops');
    try {
      await waitFor(() => h.run(id)?.waiting, { what: 'the run to wait for the writer' });
      assert.match(h.run(id)!.waiting!, /being written on the host/);
      await waitFor(() => writes >= 10, { what: 'a few more writes' });
      assert.equal(h.run(id)?.state, 'approved', 'nothing ran while the writer was busy');
    } finally {
      clearInterval(writer);
    }
    const stoppedAt = lastWrite;
    const run = await h.waitForState(id, 'done');
    assert.ok(run.startedAt! >= stoppedAt, `started at ${run.startedAt}, the writer stopped at ${stoppedAt}`);

    const next = h.queue('right after our own run');
    const second = await h.waitForState(next, 'done');
    assert.equal(second.waiting, undefined, 'our own run\'s writes do not make the next prompt wait');
  });

  it('serialises two runners on the same session in one process (the idle warm process makes way)', async () => {
    const processPool = new ProcessPool();
    await h.start({ processPool });
    const otherTranscript = new Y.Doc();
    const otherQueue = new Y.Doc();
    await h.start({ transcriptDoc: otherTranscript, queueDoc: otherQueue, processPool });

    const mine = h.queue('from share one [[delay: 300]]');
    addPrompt(otherQueue, { id: 'p-share-two', text: 'from share two [[delay: 300]]', author: 'bob', tokenId: 'bob-token', createdAt: Date.now(), kind: 'resume' }, Origin.composer);
    await h.waitForState(mine, 'done');
    await waitFor(() => readRuns(otherTranscript).get('p-share-two')?.state === 'done', { timeoutMs: 20_000, what: 'the other share\'s prompt' });
    assert.equal(h.fake.maxInFlight, 1, 'the two claude runs never overlapped');
  });
});
