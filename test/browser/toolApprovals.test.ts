import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { Origin, readApprovals, setMeta } from '../../protocol/src';
import { artifactPath, requireChromium, launchChromium } from './chromium';
import { startHost } from './host';
import { startTestRelay, type TestRelay } from './relay';
import { newShareKeys } from './shareKeys';
import { makeHarness, type Harness } from '../e2e/prompts/harness';
import { waitFor } from '../helpers/waitFor';

// A tool request in real Chromium: the card shows the command, a prompter answers it from the
// keyboard, the real `claude` runs the tool; an observer sees the card with no buttons.

describe('browser: tool request cards', function () {
  this.timeout(90_000);
  let browser: Browser;
  let relay: TestRelay;
  let h: Harness;

  before(async function () {
    requireChromium(this);
    browser = await launchChromium();
  });
  after(async () => browser?.close());
  afterEach(async () => {
    await h?.dispose();
    await relay?.close();
  });

  it('shows the Bash command, hides the buttons from an observer, and a prompter allows it with the keyboard', async () => {
    relay = await startTestRelay();
    const keys = newShareKeys();
    h = await makeHarness();
    const host = await startHost({ relayUrl: relay.url, shareId: keys.shareId, hostToken: keys.token('host'), sessionFile: h.env.transcriptPath(h.sessionId)!, claudeDir: h.env.claudeDir, hostLabel: 'ana-laptop', transcriptDoc: h.transcriptDoc, queueDoc: h.queueDoc });
    try {
      setMeta(h.transcriptDoc, { toolApprovals: 'prompters' }, Origin.runner);
      await h.start({ toolApprovals: { policy: 'prompters' } });
      const prompter = await browser.newPage();
      const observer = await browser.newPage();
      const errors: string[] = [];
      for (const p of [prompter, observer]) p.on('pageerror', (e) => errors.push(e.message));
      await prompter.goto(keys.link(relay.url, 'prompter', 'Ana Lima'));
      await observer.goto(keys.link(relay.url, 'observer', 'Olu Observer'));
      h.queue('make it <b>bold</b> [[bash: touch marker.txt]]');

      const card = prompter.locator('.queue .approval-card');
      await card.waitFor({ timeout: 45_000 });
      assert.equal(await card.locator('.approval-input').innerText(), 'touch marker.txt');
      const seen = observer.locator('.queue .approval-card');
      await seen.waitFor({ timeout: 15_000 });
      assert.equal(await seen.locator('button').count(), 0, 'an observer gets no buttons');
      await prompter.screenshot({ path: artifactPath('viewer-tool-request.png') });

      await card.focus();
      await prompter.keyboard.press('y');
      await card.waitFor({ state: 'detached', timeout: 30_000 });
      const [request] = [...readApprovals(h.transcriptDoc).values()];
      assert.equal(request.state, 'allowed');
      assert.equal(request.answeredBy, 'Ana Lima');
      await waitFor(() => fs.existsSync(path.join(h.cwd, 'marker.txt')), { timeoutMs: 20_000, what: 'the allowed tool to run' });
      assert.deepEqual(errors, []);
    } finally {
      await host.dispose();
    }
  });
});
