import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, requireChromium, launchChromium } from './chromium';
import { CORPUS, claudeDirWith } from './corpusSessions';
import { startTestRelay, type TestRelay } from './relay';
import { newShareKeys, type ShareKeys } from './shareKeys';
import { startHost, type TestHost } from './host';
import { waitFor } from '../helpers/waitFor';
import { makeHarness } from '../e2e/prompts/harness';
import { readRuns } from '../../protocol/src';

// The viewer end to end: real Chromium opens a share link on the relay, a real host publishes a
// Claude Code session into it, and what the page shows is checked (and photographed).

const SESSION = '4ee0e48e-16e0-4f55-9548-e31cca6f4846';
const PROJECT = '-Users-liuhanwen-Desktop-project-fix-user-device-access';

/** Scrolls the transcript from the top down until `selector` is in the DOM (the list is virtualised). */
async function scrollUntil(page: Page, selector: string): Promise<void> {
  await page.evaluate(() => document.querySelector('.vlist')!.scrollTo({ top: 0 }));
  await waitFor(
    async () =>
      page.evaluate((sel) => {
        if (document.querySelector(sel)) return true;
        const list = document.querySelector('.vlist')!;
        list.scrollTop += list.clientHeight * 0.8;
        return false;
      }, selector),
    { timeoutMs: 15_000, intervalMs: 30, what: selector },
  );
}

const line = (o: Record<string, unknown>) => JSON.stringify({ sessionId: SESSION, timestamp: new Date().toISOString(), cwd: '/work/app', ...o }) + '\n';

describe('browser: the session viewer in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let relay: TestRelay;
  let keys: ShareKeys;
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async function () {
    requireChromium(this);
    browser = await launchChromium();
  });
  after(async () => browser?.close());
  beforeEach(async () => {
    relay = await startTestRelay();
    keys = newShareKeys();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      const pages = browser.contexts().flatMap((c) => c.pages());
      for (const [i, p] of pages.entries()) await p.screenshot({ path: artifactPath(`failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}-${i}.png`) });
    }
    for (const c of cleanups.splice(0).reverse()) await c();
    await relay.close();
  });

  async function publish(sessionFile: string, claudeDir: string, docs: Pick<TestHost, 'transcriptDoc' | 'queueDoc'> | object = {}): Promise<TestHost> {
    const host = await startHost({ relayUrl: relay.url, shareId: keys.shareId, hostToken: keys.token('host'), sessionFile, claudeDir, hostLabel: 'ana-laptop', ...docs });
    cleanups.push(() => host.dispose());
    return host;
  }

  function tempClaudeDir(dir: string): string {
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  async function open(role: 'prompter' | 'observer', viewport = { width: 1200, height: 860 }, colorScheme: 'dark' | 'light' = 'dark'): Promise<{ page: Page; errors: string[]; dialogs: string[] }> {
    const page = await browser.newPage({ viewport, colorScheme });
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    cleanups.push(() => page.close());
    await page.goto(keys.link(relay.url, role, role === 'prompter' ? 'Ana Lima' : 'Olu Observer'));
    return { page, errors, dialogs };
  }

  it('opens a share link, shows the session with its header, follows an appended line live, opens a subagent', async () => {
    const { claudeDir, sessionFile } = claudeDirWith(path.join(CORPUS, 'Jason-liu-0219-my-claude/projects', PROJECT, `${SESSION}.jsonl`), SESSION);
    await publish(sessionFile, tempClaudeDir(claudeDir));
    const { page, errors } = await open('prompter');

    await page.waitForSelector('.vrow .msg', { timeout: 15_000 });
    await waitFor(() => page.locator('.conn-synced').count(), { timeoutMs: 10_000, what: 'the viewer to sync' });
    const facts = await page.locator('.facts').innerText();
    assert.match(facts, /fix-user-device-access/);
    assert.match(facts, /on ana-laptop/);
    assert.ok((await page.locator('.vrow').count()) < 80, 'only rows near the viewport are in the DOM');
    await page.screenshot({ path: artifactPath('viewer-session-dark.png') });

    fs.appendFileSync(sessionFile, line({ type: 'user', uuid: 'live-1', message: { role: 'user', content: 'A line appended while you watch 7f3a' } }));
    const live = page.getByText('A line appended while you watch 7f3a');
    await live.waitFor({ timeout: 10_000 });
    assert.ok(await live.isVisible(), 'follow mode keeps the newest line in view');

    await scrollUntil(page, '.agent-line button');
    await page.click('.agent-line button');
    await page.waitForSelector('.panel[role="dialog"] .vrow .msg', { timeout: 10_000 });
    assert.match(await page.locator('.panel-head').innerText(), /Explore/);
    await page.screenshot({ path: artifactPath('viewer-subagent.png') });
    await page.keyboard.press('Escape');
    await waitFor(async () => (await page.locator('.panel').count()) === 0, { what: 'the panel to close' });
    assert.deepEqual(errors, []);
  });

  it('never runs script from a hostile transcript (markdown, raw HTML, SVG, javascript: links, images, titles)', async () => {
    const claudeDir = tempClaudeDir(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-ui-')));
    const folder = path.join(claudeDir, 'projects', '-work-app');
    fs.mkdirSync(folder, { recursive: true });
    const sessionFile = path.join(folder, `${SESSION}.jsonl`);
    const pwn = (what: string) => `window.__pwned=(window.__pwned||[]).concat('${what}')`;
    const svgScript = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="${pwn('svg-image')}"><script>${pwn('svg-script')}</script></svg>`).toString('base64');
    const hostileMarkdown = [
      'Canary text: hostile markdown follows.',
      `<script>${pwn('script')}</script>`,
      `<img src=x onerror="${pwn('img')}">`,
      `<svg onload="${pwn('svg')}"><circle r="5"/></svg>`,
      `<iframe srcdoc="<script>parent.${pwn('iframe')}</script>"></iframe>`,
      `[click me](javascript:${pwn('link')})`,
      `<a href="javascript:${pwn('a')}">raw link</a>`,
      `<a href="data:text/html,<script>alert(1)</script>">data link</a>`,
      `<details open ontoggle="${pwn('details')}">x</details>`,
      `<style>body{display:none}</style>`,
      `<form action="https://evil.example"><input name=q autofocus onfocus="${pwn('focus')}"></form>`,
      `<div style="position:fixed;inset:0" onmouseover="${pwn('hover')}">cover</div>`,
      '[a good link](https://example.com/docs)',
    ].join('\n\n');
    fs.writeFileSync(
      sessionFile,
      [
        line({ type: 'ai-title', aiTitle: `<img src=x onerror="${pwn('title')}">Title` }),
        line({ type: 'user', uuid: 'u1', message: { role: 'user', content: [{ type: 'text', text: `<script>${pwn('prompt')}</script> please` }, { type: 'image', source: { type: 'base64', media_type: 'image/svg+xml', data: svgScript } }] } }),
        line({ type: 'assistant', uuid: 'a1', message: { id: 'msg_h', role: 'assistant', content: [{ type: 'text', text: hostileMarkdown }] } }),
        line({ type: 'assistant', uuid: 'a2', message: { id: 'msg_h', role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_h', name: `Bash<img src=x onerror="${pwn('toolname')}">`, input: { command: `echo "<script>${pwn('cmd')}</script>"` } }] } }),
        line({ type: 'user', uuid: 'u2', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_h', content: `<img src=x onerror="${pwn('result')}">` }] } }),
        line({ type: `x<img src=x onerror="${pwn('type')}">`, payload: `<script>${pwn('raw')}</script>` }),
      ].join(''),
    );
    await publish(sessionFile, claudeDir);
    const { page, errors, dialogs } = await open('observer');
    await page.getByText('Canary text: hostile markdown follows.').waitFor({ state: 'attached', timeout: 15_000 });
    // open every collapsed row so hidden content is rendered too
    const closed = page.locator('.disclosure-summary[aria-expanded="false"]');
    for (let i = 0; i < 20 && (await closed.count()) > 0; i++) await closed.first().click();
    assert.equal(await closed.count(), 0);
    await page.mouse.move(600, 400);
    await page.screenshot({ path: artifactPath('viewer-hostile.png') });

    assert.equal(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned), undefined);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
    const dom = await page.evaluate(() => {
      const app = document.getElementById('app')!;
      const all = Array.from(app.querySelectorAll('*'));
      return {
        dangerous: all.filter((e) => ['SCRIPT', 'IFRAME', 'SVG', 'svg', 'FORM', 'INPUT', 'STYLE', 'OBJECT', 'EMBED'].includes(e.tagName)).map((e) => e.tagName),
        handlers: all.flatMap((e) => Array.from(e.attributes).filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName}.${a.name}`)),
        badLinks: Array.from(app.querySelectorAll('a[href]')).filter((a) => !/^https?:|^mailto:/.test(a.getAttribute('href')!)).map((a) => a.outerHTML),
        openerLinks: Array.from(app.querySelectorAll('a')).filter((a) => !/noopener/.test(a.rel) || a.target !== '_blank').map((a) => a.outerHTML),
        images: Array.from(app.querySelectorAll('img')).map((i) => i.getAttribute('src')!.slice(0, 30)),
        promptText: app.querySelector('.prompt-text')?.textContent,
      };
    });
    assert.deepEqual(dom.dangerous, []);
    assert.deepEqual(dom.handlers, []);
    assert.deepEqual(dom.badLinks, []);
    assert.deepEqual(dom.openerLinks, []);
    assert.deepEqual(dom.images, [], 'no remote images and no SVG data images');
    assert.match(dom.promptText ?? '', /<script>/, 'a prompt is shown as the text it was');
    assert.equal(await page.locator('a[href="https://example.com/docs"]').count(), 1, 'ordinary links survive');
  });

  it('collapses a tool output that is one huge line to a preview, and shows it all when asked', async () => {
    const claudeDir = tempClaudeDir(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-ui-')));
    const folder = path.join(claudeDir, 'projects', '-work-app');
    fs.mkdirSync(folder, { recursive: true });
    const sessionFile = path.join(folder, `${SESSION}.jsonl`);
    const blob = `{"minified":"${'0123456789abcdef'.repeat(10_000)}"}`; // ~160 KB, no newline
    fs.writeFileSync(
      sessionFile,
      [
        line({ type: 'user', uuid: 'u1', message: { role: 'user', content: 'Dump the config' } }),
        line({ type: 'assistant', uuid: 'a1', message: { id: 'msg_b', role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_b', name: 'Bash', input: { command: 'cat config.min.json' } }] } }),
        line({ type: 'user', uuid: 'u2', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_b', content: blob }] } }),
      ].join(''),
    );
    await publish(sessionFile, claudeDir);
    const { page, errors } = await open('observer');
    const output = page.locator('.long pre', { hasText: '"minified"' });
    await output.waitFor({ timeout: 15_000 });
    const shown = (await output.textContent()) ?? '';
    assert.ok(shown.length < 5_000, `a preview, not the whole ${blob.length}-character line (got ${shown.length})`);
    assert.ok(blob.startsWith(shown.replace(/…$/, '')), 'the preview is the start of the output');
    const more = page.getByRole('button', { name: `Show all ${Math.ceil(blob.length / 1024)} KB` });
    await more.click();
    await waitFor(async () => ((await output.textContent()) ?? '').length === blob.length, { what: 'the whole output once asked' });
    assert.deepEqual(errors, []);
  });

  it('queues a prompt from the composer; the host replays it with the real claude CLI and the queue shows done', async () => {
    const h = await makeHarness();
    cleanups.push(() => h.dispose());
    await publish(h.env.transcriptPath(h.sessionId)!, h.env.claudeDir, { transcriptDoc: h.transcriptDoc, queueDoc: h.queueDoc });
    await h.start();
    const { page, errors } = await open('prompter', { width: 900, height: 760 });
    await page.waitForSelector('.vrow .msg', { timeout: 15_000 });
    await page.fill('.composer textarea', 'hello from the browser tab');
    await page.keyboard.press('Control+Enter');
    const row = page.locator('.queue-row', { hasText: 'hello from the browser tab' });
    await row.waitFor({ timeout: 5_000 });
    assert.equal(await page.inputValue('.composer textarea'), '', 'the composer clears once the prompt is queued');
    await row.locator('.run-state', { hasText: 'done' }).waitFor({ timeout: 45_000 });
    assert.equal(await row.locator('.queue-author').innerText(), 'Ana Lima');
    // the host's Claude Code process stays warm for follow-ups, and the header says so
    await page.locator('.claude-process', { hasText: 'Claude Code ready' }).waitFor({ timeout: 10_000 });
    assert.match((await page.locator('.claude-process').getAttribute('title')) ?? '', /Follow-up prompts start at once until/);
    await page.getByText('fake reply to: hello from the browser tab').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: artifactPath('viewer-prompt-done.png') });
    const run = [...readRuns(h.transcriptDoc).values()].find((r) => r.author === 'Ana Lima');
    assert.equal(run?.state, 'done');
    assert.deepEqual(errors, []);
  });

  it('shows bidi controls in names, authors, queue and transcript text escaped: "evil" with U+202E never reads as "live"', async () => {
    const claudeDir = tempClaudeDir(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-ui-')));
    const folder = path.join(claudeDir, 'projects', '-work-app');
    fs.mkdirSync(folder, { recursive: true });
    const sessionFile = path.join(folder, `${SESSION}.jsonl`);
    // and in the transcript: a prompt that ran, and what a tool printed
    fs.writeFileSync(
      sessionFile,
      line({ type: 'user', uuid: 'u-1', message: { role: 'user', content: 'hello, please delete \u202eelif-eht' } }) +
        line({ type: 'assistant', uuid: 'a-1', parentUuid: 'u-1', message: { role: 'assistant', content: [{ type: 'text', text: 'Deleting **\u2066the-file\u2069** as \u202easked' }] } }),
    );
    await publish(sessionFile, claudeDir);
    const page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
    cleanups.push(() => page.close());
    await page.goto(keys.link(relay.url, 'prompter', 'mal\u202elive'));
    await page.waitForSelector('.vrow .msg', { timeout: 15_000 });
    await page.locator('.vrow', { hasText: 'please delete \\u202eelif-eht' }).first().waitFor({ timeout: 5_000 });
    await page.locator('.vrow', { hasText: 'as \\u202easked' }).first().waitFor({ timeout: 5_000 });
    await page.fill('.composer textarea', 'run \u2066this\u2069 \u202eevil');
    await page.keyboard.press('Control+Enter');
    const row = page.locator('.queue-row').first();
    await row.waitFor({ timeout: 5_000 });
    assert.equal(await row.locator('.queue-author').innerText(), 'mal\\u202elive');
    assert.equal(await row.locator('.queue-text').innerText(), 'run \\u2066this\\u2069 \\u202eevil');
    assert.match((await page.locator('.watchers').getAttribute('aria-label')) ?? '', /mal\\u202elive/);
    const text = await page.evaluate(() => document.body.innerText + Array.from(document.querySelectorAll('[title],[aria-label]')).map((e) => `${e.getAttribute('title')}${e.getAttribute('aria-label')}`).join(''));
    // the elements holding one, to say where it leaked
    const where = await page.evaluate(() =>
      Array.from(document.querySelectorAll('*'))
        .filter((e) => Array.from(e.childNodes).some((n) => n.nodeType === 3 && /[\u202a-\u202e\u2066-\u2069]/.test(n.textContent ?? '')) || /[\u202a-\u202e\u2066-\u2069]/.test(`${e.getAttribute('title')}${e.getAttribute('aria-label')}`))
        .map((e) => e.outerHTML.slice(0, 200)),
    );
    assert.doesNotMatch(text, /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/, `a raw bidi control reached the page: ${JSON.stringify(where)}`);
  });

  it('shows a prompt the relay refused (past the per-link cap) as not taken, with the relay\'s reason', async () => {
    await relay.close();
    relay = await startTestRelay({ limits: { maxPendingPromptsPerToken: 2 } });
    const claudeDir = tempClaudeDir(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-ui-')));
    const folder = path.join(claudeDir, 'projects', '-work-app');
    fs.mkdirSync(folder, { recursive: true });
    const sessionFile = path.join(folder, `${SESSION}.jsonl`);
    fs.writeFileSync(sessionFile, line({ type: 'user', uuid: 'u-1', message: { role: 'user', content: 'hello' } }));
    await publish(sessionFile, claudeDir);
    const { page, errors } = await open('prompter', { width: 390, height: 800 });
    await page.waitForSelector('.vrow .msg', { timeout: 15_000 });
    for (const text of ['first waiting prompt', 'second waiting prompt', 'third prompt, one too many']) {
      await page.fill('.composer textarea', text);
      await page.keyboard.press('Control+Enter');
      await page.locator('.queue-row', { hasText: text }).waitFor({ timeout: 5_000 });
    }
    const refused = page.locator('.queue-row', { hasText: 'third prompt, one too many' });
    await refused.locator('.queue-error', { hasText: 'The relay did not take this' }).waitFor({ timeout: 5_000 });
    assert.match(await refused.locator('.queue-error').innerText(), /already has 2 prompts waiting for the host/);
    assert.equal(await refused.locator('.run-state').innerText(), 'rejected');
    for (const text of ['first waiting prompt', 'second waiting prompt']) {
      assert.equal(await page.locator('.queue-row', { hasText: text }).locator('.run-state').innerText(), 'queued', `${text} was taken`);
    }
    await page.screenshot({ path: artifactPath('viewer-prompt-refused-phone.png') });
    assert.deepEqual(errors, []);
  });

  it('shows no composer to an observer link; explains a link the host revokes, an expired link and a damaged one', async () => {
    const { claudeDir, sessionFile } = claudeDirWith(path.join(CORPUS, 'Jason-liu-0219-my-claude/projects', PROJECT, `${SESSION}.jsonl`), SESSION);
    await publish(sessionFile, tempClaudeDir(claudeDir));
    const { page } = await open('observer', { width: 390, height: 844 }, 'light');
    await page.waitForSelector('.vrow .msg', { timeout: 15_000 });
    assert.equal(await page.locator('.composer').count(), 0);
    await page.screenshot({ path: artifactPath('viewer-observer-phone-light.png') });

    const revoked = await fetch(`${relay.url}/revoke`, { method: 'POST', body: keys.revokeAll() });
    assert.equal(revoked.status, 200, await revoked.text());
    await page.getByText('The host stopped sharing this session or withdrew this link. Ask the host for a new link.').waitFor({ timeout: 10_000 });
    assert.match(await page.locator('.pill[role="status"]').innerText(), /revoked/i);
    await page.screenshot({ path: artifactPath('viewer-revoked.png') });

    const expired = await browser.newPage();
    cleanups.push(() => expired.close());
    await expired.goto(`${relay.url}/s/${keys.shareId}#t=${keys.token('prompter', { ttlSeconds: -60 })}`);
    await expired.getByText(/This link expired on/).waitFor({ timeout: 10_000 });
    await expired.goto(`${relay.url}/s/${keys.shareId}#t=garbage`);
    await expired.getByText(/This link is damaged/).waitFor({ timeout: 10_000 });
  });
});
