import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Origin, setMeta } from '../../protocol/src';
import { artifactPath, requireChromium, launchChromium } from './chromium';
import { CORPUS, claudeDirWith } from './corpusSessions';
import { startHost, type TestHost } from './host';
import { startPrefixProxy } from './prefixProxy';
import { startTestRelay, type TestRelay } from './relay';
import { newShareKeys, type ShareKeys } from './shareKeys';
import { waitFor } from '../helpers/waitFor';
import { pageState } from './pageState';

// The viewer's links and states in Chromium: a relay behind a path prefix (code-server's /proxy/<port>/),
// and one full, distinct state for a damaged, expired or revoked link and a host that ended the session,
// with nothing stale left on the page (a relay it cannot reach: vscodeWebview.test.ts, where the page
// does not come from the relay).

const SESSION = path.join(CORPUS, 'Jason-liu-0219-my-claude/projects/-Users-liuhanwen-Desktop-project-fix-user-device-access/4ee0e48e-16e0-4f55-9548-e31cca6f4846.jsonl');

describe('browser: viewer links and states', function () {
  this.timeout(90_000);
  let browser: Browser;
  let relay: TestRelay;
  let keys: ShareKeys;
  let host: TestHost;
  let claudeDir: string;
  const pages: Page[] = [];

  before(async function () {
    requireChromium(this);
    browser = await launchChromium();
  });
  after(async () => browser?.close());
  beforeEach(async () => {
    relay = await startTestRelay();
    keys = newShareKeys();
    const copy = claudeDirWith(SESSION);
    claudeDir = copy.claudeDir;
    host = await startHost({ relayUrl: relay.url, shareId: keys.shareId, hostToken: keys.token('host'), sessionFile: copy.sessionFile, claudeDir });
    relayOpen = true;
  });
  let relayOpen = false;
  async function closeRelay(): Promise<void> {
    if (!relayOpen) return;
    relayOpen = false;
    await host.dispose();
    await relay.close();
  }
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
    await closeRelay();
    fs.rmSync(claudeDir, { recursive: true, force: true });
  });

  async function open(url: string, viewport = { width: 1280, height: 800 }, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const page = await browser.newPage({ viewport, colorScheme });
    pages.push(page);
    await page.goto(url);
    return page;
  }

  it('opens a link through a reverse proxy that serves the relay under /proxy/1234/ (assets, /check and websockets)', async () => {
    const proxy = await startPrefixProxy(relay.url, '/proxy/1234/');
    try {
      const page = await open(keys.link(proxy.url, 'observer'));
      await page.waitForSelector('.vrow .msg', { timeout: 15_000 });
      await page.locator('.conn-synced').waitFor({ timeout: 10_000 });
      // a refused upgrade is explained through the proxied /check too
      const token = keys.token('observer');
      const damaged = await open(`${proxy.url}/s/${keys.shareId}#t=${token.slice(0, -6)}${token.slice(-6).split('').reverse().join('')}`);
      await waitFor(async () => (await pageState(damaged)).state === 'damaged', { timeoutMs: 10_000, what: 'the damaged state through the proxy' });
    } finally {
      await proxy.close();
    }
  });

  it('a damaged link: one full state, whether the page or the relay finds the damage', async () => {
    const token = keys.token('observer');
    const tampered = `${token.slice(0, -6)}${token.slice(-6).split('').reverse().join('')}`;
    for (const t of [tampered, 'garbage']) {
      const page = await open(`${relay.url}/s/${keys.shareId}#t=${t}`, { width: 390, height: 844 });
      await waitFor(async () => (await pageState(page)).state === 'damaged', { timeoutMs: 10_000, what: `the damaged state for ${t.slice(0, 8)}` });
      assert.deepEqual(await pageState(page), { state: 'damaged', title: 'This link is damaged', rows: 0, reading: false, lostConnection: false, idlePill: 0, ownAvatar: 0, askHost: 1 });
    }
    await pages[0].screenshot({ path: artifactPath('state-damaged-phone.png') });
  });

  it('an expired link and a revoked one: full states when there is nothing to show, a banner over a readable transcript otherwise', async () => {
    const expired = await open(`${relay.url}/s/${keys.shareId}#t=${keys.token('observer', { ttlSeconds: -60 })}`);
    await waitFor(async () => (await pageState(expired)).state === 'expired', { timeoutMs: 10_000, what: 'the expired state' });
    assert.deepEqual(await pageState(expired), { state: 'expired', title: 'This link has expired', rows: 0, reading: false, lostConnection: false, idlePill: 0, ownAvatar: 0, askHost: 1 });
    await expired.screenshot({ path: artifactPath('state-expired.png') });

    const link = keys.link(relay.url, 'observer');
    const page = await open(link, { width: 1280, height: 800 }, 'dark');
    await page.waitForSelector('.vrow .msg', { timeout: 15_000 });
    const res = await fetch(`${relay.url}/revoke`, { method: 'POST', body: keys.revokeAll() });
    assert.equal(res.status, 200);
    await waitFor(async () => (await pageState(page)).state === 'revoked', { timeoutMs: 10_000, what: 'the revoked banner' });
    const state = await pageState(page);
    assert.equal(state.title, 'This link was revoked.');
    assert.ok(state.rows > 0, 'the transcript stays readable');
    assert.deepEqual({ ...state, rows: 0, title: '' }, { state: 'revoked', title: '', rows: 0, reading: false, lostConnection: false, idlePill: 0, ownAvatar: 0, askHost: 1 });
    await page.screenshot({ path: artifactPath('state-revoked-dark.png') });

    const fresh = await open(link);
    await waitFor(async () => (await pageState(fresh)).state === 'revoked', { timeoutMs: 10_000, what: 'the revoked state on a fresh page' });
    assert.equal((await pageState(fresh)).title, 'This link was revoked');
  });

  it('a host that ended the session: the transcript stays, marked ended, with no lost-connection banner when the relay goes', async () => {
    const page = await open(keys.link(relay.url, 'observer'));
    await page.waitForSelector('.vrow .msg', { timeout: 15_000 });
    setMeta(host.transcriptDoc, { state: 'ended' }, Origin.tail);
    await waitFor(async () => (await pageState(page)).state === 'ended', { timeoutMs: 10_000, what: 'the ended banner' });
    await closeRelay();
    await page.locator('.pill.state-ended').waitFor({ timeout: 5_000 });
    await waitFor(async () => (await page.locator('.conn-synced').count()) === 0, { timeoutMs: 15_000, what: 'the viewer to notice the relay is gone' });
    const state = await pageState(page);
    assert.ok(state.rows > 0, 'the transcript stays readable');
    assert.deepEqual({ ...state, rows: 0 }, { state: 'ended', title: 'The host ended this session.', rows: 0, reading: false, lostConnection: false, idlePill: 0, ownAvatar: 0, askHost: 0 });
    assert.equal(await page.locator('.pill[role="status"]').count(), 0, 'no "offline" pill beside "ended"');
    await page.screenshot({ path: artifactPath('state-ended.png') });
  });
});
