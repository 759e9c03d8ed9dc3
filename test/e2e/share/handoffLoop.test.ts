import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Origin, addPrompt, boundAuthor, joinLines, readLines, readMeta, readRuns } from '../../../protocol/src';
import { joinShare } from '../../../extension/src/core/sync/joinShare';
import { silentLogger } from '../../../relay/src/logger';
import { startRelay, type RelayHandle } from '../../../relay/src/startRelay';
import { CliProcess, runCliCaptured, shareLinks } from '../../helpers/cli';
import { makeClaudeEnv, type ClaudeTestEnv } from '../../helpers/claudeEnv';
import { startFakeAnthropic, type FakeAnthropic } from '../../helpers/fakeAnthropic';
import { waitFor } from '../../helpers/waitFor';

// Issue 7's loop: a session shared from the laptop is pulled on the desktop, which takes over hosting
// with the handoff link (the laptop steps down); a prompt then runs on the desktop; the laptop, once
// it has pulled the new lines, takes the share back. Two machines = two HOMEs; one relay.

describe('e2e: handoff loop (laptop → desktop → laptop)', function () {
  this.timeout(180_000);
  let fake: FakeAnthropic;
  let relay: RelayHandle;
  let laptop: ClaudeTestEnv;
  let desktop: ClaudeTestEnv;
  const processes: CliProcess[] = [];

  const envOf = (m: ClaudeTestEnv) => ({ ...m.baseEnv, ...m.apiEnv, TANDEM_HOME: path.join(m.root, 'tandem') });
  const share = (m: ClaudeTestEnv, label: string, ...args: string[]) => {
    const p = new CliProcess(['share', ...args, '--prompts', 'auto', '--claude', m.claudePath, '--label', label], envOf(m));
    processes.push(p);
    return p;
  };

  before(async () => {
    fake = await startFakeAnthropic();
    relay = await startRelay({ port: 0, log: silentLogger });
    laptop = makeClaudeEnv(fake);
    desktop = makeClaudeEnv(fake);
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await relay.close();
    await fake.close();
    laptop.dispose();
    desktop.dispose();
  });

  it('moves the host to the desktop and back, keeping every link and every line', async () => {
    const laptopProject = laptop.project('app');
    const sessionId = await laptop.createSession(laptopProject, 'started on the laptop');
    const first = share(laptop, 'laptop', sessionId, '--relay', relay.url);
    const links = await shareLinks(first);
    const viewer = await joinShare(links.observer);
    try {
      // the desktop pulls the session and takes over hosting
      const desktopProject = desktop.project('app');
      const pulled = await runCliCaptured(['pull', links.handoff, '--project-dir', desktopProject], { env: envOf(desktop) });
      assert.equal(pulled.code, 0, pulled.stderr);
      const second = share(desktop, 'desktop', '--link', links.handoff);
      await second.waitForOutput(/Hosting from this machine now/);
      assert.match(second.stdout, /taking over from laptop/);
      assert.equal(await first.exited, 0);
      assert.match(first.stdout, /desktop took over hosting this share/);
      await waitFor(() => readMeta(viewer.docs.transcript).hostLabel === 'desktop', { what: 'the desktop to be the host' });

      // a prompt through the same prompter link now runs on the desktop
      const prompter = await joinShare(links.prompter);
      addPrompt(prompter.docs.queue, { id: 'p-on-desktop', text: 'continue on the desktop', ...boundAuthor(prompter.link.claims), createdAt: Date.now(), kind: 'resume' }, Origin.composer);
      await waitFor(() => readRuns(prompter.docs.transcript).get('p-on-desktop')?.state === 'done', { timeoutMs: 60_000, what: 'the prompt to run on the desktop' }).catch((e: Error) => {
        throw new Error(`${e.message}: last status ${JSON.stringify(readRuns(prompter.docs.transcript).get('p-on-desktop'))}; desktop said: ${second.stderr.slice(-1500)}`);
      });
      prompter.dispose();
      const desktopFile = desktop.transcriptPath(sessionId)!;
      assert.match(fs.readFileSync(desktopFile, 'utf8'), /fake reply to: continue on the desktop/);
      await waitFor(() => joinLines(readLines(viewer.docs.transcript)) === fs.readFileSync(desktopFile, 'utf8'), { timeoutMs: 20_000, what: "the viewer to hold the desktop's transcript" }).catch((e: Error) => {
        const shared = readLines(viewer.docs.transcript);
        const local = fs.readFileSync(desktopFile, 'utf8').split('\n').slice(0, -1);
        const at = local.findIndex((l, i) => l !== shared[i]);
        throw new Error(`${e.message}: viewer ${shared.length} lines, file ${local.length}, first difference at ${at}: ${JSON.stringify(shared[at])?.slice(0, 300)} vs ${JSON.stringify(local[at])?.slice(0, 300)}; meta ${JSON.stringify(readMeta(viewer.docs.transcript))}`);
      });

      // the laptop is behind: it may not roll the shared transcript back
      const behind = share(laptop, 'laptop', sessionId, '--relay', relay.url);
      assert.notEqual(await behind.exited, 0);
      assert.match(behind.stderr, /continued on desktop/);

      // after pulling, the laptop takes the share back with its own keys and the same links
      const back = await runCliCaptured(['pull', links.handoff, '--project-dir', laptopProject], { env: envOf(laptop) });
      assert.equal(back.code, 0, back.stderr);
      assert.match(back.stdout, /was behind the share: brought it up to date/);
      const third = share(laptop, 'laptop', sessionId, '--relay', relay.url);
      const again = await shareLinks(third);
      assert.equal(again.observer, links.observer);
      assert.equal(await second.exited, 0);
      await waitFor(() => readMeta(viewer.docs.transcript).hostLabel === 'laptop', { what: 'the laptop to host again' });
      assert.equal(fs.readFileSync(laptop.transcriptPath(sessionId)!, 'utf8'), fs.readFileSync(desktopFile, 'utf8'));
      assert.equal(joinLines(readLines(viewer.docs.transcript)), fs.readFileSync(desktopFile, 'utf8'));
    } finally {
      viewer.dispose();
    }
  });

  it('keeps serving the share when a host that runs the embedded relay is taken over', async () => {
    const sessionId = await laptop.createSession(laptop.project('solo'), 'relay lives here');
    const first = share(laptop, 'laptop', sessionId, '--port', '0');
    const links = await shareLinks(first);
    const pulled = await runCliCaptured(['pull', links.handoff, '--project-dir', desktop.project('solo')], { env: envOf(desktop) });
    assert.equal(pulled.code, 0, pulled.stderr);
    const second = share(desktop, 'desktop', '--link', links.handoff);
    await second.waitForOutput(/Hosting from this machine now/);
    await first.waitForOutput(/stays up for the new host/);
    assert.equal(first.child.exitCode, null, 'the process running the relay exited');
    const viewer = await joinShare(links.observer);
    try {
      assert.equal(readMeta(viewer.docs.transcript).hostLabel, 'desktop');
    } finally {
      viewer.dispose();
    }
  });
});
