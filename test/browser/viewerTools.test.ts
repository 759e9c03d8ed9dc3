import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import * as Y from 'yjs';
import { Origin, appendLines, setMeta } from '../../protocol/src';
import { Awareness } from 'y-protocols/awareness';
import { ShareConnection } from '../../protocol/src/connector';
import { nodeSocketFactory } from '../../extension/src/core/sync/nodeSocket';
import { artifactPath, requireChromium, launchChromium } from './chromium';
import { connectAsHost } from './host';
import { startTestRelay, type TestRelay } from './relay';
import { newShareKeys, type ShareKeys } from './shareKeys';
import { waitFor } from '../helpers/waitFor';

// The viewer's reading tools in real Chromium through the real relay: find in the transcript (over
// rows that are not in the page, into collapsed tool output), copy buttons, timestamps, the "N new"
// counter, image zoom, and viewers' display names in presence.

const SESSION = '0b0b0b0b-0000-4000-8000-00000000f1d0';
const T0 = Date.parse('2026-11-30T09:00:00Z');
let seq = 0;
const stamp = () => new Date(T0 + seq++ * 1000).toISOString();
const user = (content: unknown) => JSON.stringify({ type: 'user', sessionId: SESSION, uuid: `u${seq}`, timestamp: stamp(), message: { role: 'user', content } });
const assistant = (id: string, content: unknown[]) => JSON.stringify({ type: 'assistant', sessionId: SESSION, uuid: `a${seq}`, timestamp: stamp(), message: { id, role: 'assistant', model: 'claude-sonnet-4-6', content } });
const bash = (id: string, command: string, output: string) => [
  assistant(`msg_${id}`, [{ type: 'tool_use', id, name: 'Bash', input: { command } }]),
  user([{ type: 'tool_result', tool_use_id: id, content: output }]),
];
/** a 1×1 PNG */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** 2,000 filler turns with the needle in the first prompt (far above the rendered rows), inside the
 *  40-line output of a Bash call (collapsed to 6 lines; the needle on line 30) and in the last reply. */
function session(): string[] {
  const lines = [user('The first prompt mentions zebrafish-needle once.')];
  for (let i = 0; i < 1000; i++) lines.push(user(`filler prompt ${i}`), assistant(`msg_f${i}`, [{ type: 'text', text: `filler reply ${i} with nothing to find` }]));
  const output = Array.from({ length: 40 }, (_, i) => (i === 29 ? 'line 30: ZEBRAFISH-NEEDLE in the log' : `log line ${i + 1}`)).join('\n');
  lines.push(...bash('toolu_log', 'npm run build && cat build.log', output));
  lines.push(assistant('msg_code', [{ type: 'text', text: 'Run this:\n\n```ts\nconst answer: number = 42; // zebrafish-needle\n```\n' }]));
  lines.push(user([{ type: 'text', text: 'Here is a screenshot' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }]));
  return lines;
}

describe('browser: reading tools (find, copy, timestamps, new rows, zoom, names)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let relay: TestRelay;
  let keys: ShareKeys;
  let host: ShareConnection;
  let docs: { transcript: Y.Doc; queue: Y.Doc };
  const lines = session();
  const contexts: BrowserContext[] = [];

  before(async function () {
    requireChromium(this);
    browser = await launchChromium();
    relay = await startTestRelay();
    keys = newShareKeys();
    docs = { transcript: new Y.Doc(), queue: new Y.Doc() };
    host = await connectAsHost(relay.url, keys.shareId, keys.token('host'), docs);
    setMeta(docs.transcript, { title: 'Reading tools', state: 'live', hostLabel: 'ana-laptop' }, Origin.fixture);
    appendLines(docs.transcript, lines, Origin.fixture);
    await host.transcript.flush();
  });
  after(async () => {
    await browser?.close();
    host?.dispose();
    await relay?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const [i, p] of contexts.flatMap((c) => c.pages()).entries()) await p.screenshot({ path: artifactPath(`failed-tools-${i}.png`) });
    }
    for (const c of contexts.splice(0)) await c.close();
  });

  async function open(opts: { viewport?: { width: number; height: number }; colorScheme?: 'dark' | 'light'; context?: BrowserContext; name?: string; link?: string } = {}): Promise<{ page: Page; errors: string[] }> {
    const context = opts.context ?? (await browser.newContext({ viewport: opts.viewport ?? { width: 1200, height: 860 }, colorScheme: opts.colorScheme ?? 'dark' }));
    if (!opts.context) contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(opts.link ?? keys.link(relay.url, 'observer', opts.name));
    await page.waitForSelector('.vrow .msg', { timeout: 15_000 });
    // the whole session in the model (the tail is shown first)
    await waitFor(async () => (await page.locator('.vheader').count()) === 0, { timeoutMs: 15_000, what: 'the full model' });
    return { page, errors };
  }

  const countText = (page: Page) => page.locator('.search-count').innerText();

  it('finds across prompts, replies and collapsed tool output, counts hits, goes next/previous and scrolls far-away hits into view', async () => {
    const { page, errors } = await open();
    assert.equal(await page.getByText('zebrafish-needle once').count(), 0, 'the first prompt is far above the rendered rows');
    await page.locator('.vlist').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+f');
    const input = page.getByRole('searchbox', { name: 'Find in transcript' });
    await input.waitFor();
    assert.ok(await input.evaluate((el) => el === document.activeElement), 'Ctrl+F focuses the find field');
    await input.fill('zebrafish-needle');
    await waitFor(async () => (await countText(page)) === '1 of 3', { what: '"1 of 3"' });
    const first = page.getByText('The first prompt mentions zebrafish-needle once.');
    await first.waitFor({ timeout: 5_000 });
    assert.ok(await first.isVisible(), 'the first hit, 2,000 rows up, is scrolled into view');
    assert.equal(await page.evaluate(() => (CSS.highlights as unknown as Map<string, Set<Range>>).get('tandem-search-current')?.size), 1, 'the current hit is highlighted');
    await page.screenshot({ path: artifactPath('viewer-search-first-hit.png') });

    await input.press('Enter');
    await waitFor(async () => (await countText(page)) === '2 of 3', { what: '"2 of 3"' });
    const hidden = page.getByText('line 30: ZEBRAFISH-NEEDLE in the log');
    await hidden.waitFor({ timeout: 5_000 });
    assert.ok(await hidden.isVisible(), 'a hit on line 30 of a 6-line preview opens the output and shows it');
    await page.screenshot({ path: artifactPath('viewer-search-collapsed-hit.png') });

    await page.keyboard.press('F3');
    await waitFor(async () => (await countText(page)) === '3 of 3', { what: '"3 of 3" after F3' });
    await input.press('Enter');
    await waitFor(async () => (await countText(page)) === '1 of 3', { what: 'wrapping to "1 of 3"' });
    await input.press('Shift+Enter');
    await waitFor(async () => (await countText(page)) === '3 of 3', { what: 'Shift+Enter back to "3 of 3"' });
    assert.ok(await page.locator('.row', { hasText: 'const answer' }).isVisible());

    await input.fill('no such text anywhere');
    await waitFor(async () => (await countText(page)) === 'No results', { what: 'No results' });
    await input.press('Escape');
    await waitFor(async () => (await page.locator('.search-bar').count()) === 0, { what: 'Esc to close the bar' });
    assert.deepEqual(errors, []);
  });

  it('gives the tab an icon the relay serves', async () => {
    const { page } = await open();
    const href = await page.locator('link[rel="icon"]').evaluate((l) => (l as HTMLLinkElement).href);
    const icon = await fetch(href);
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
    assert.match(await icon.text(), /^<svg [^>]*stroke="#d97757"/);
  });
  it('copies a Bash command, a whole tool output and a code block; highlights the code block once its chunk loads', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 860 }, colorScheme: 'light', permissions: ['clipboard-read', 'clipboard-write'] });
    contexts.push(context);
    const chunks: string[] = [];
    context.on('request', (r) => {
      if (/highlighter-[\w]+\.js$/.test(r.url())) chunks.push(r.url());
    });
    const { page, errors } = await open({ context });
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

    const tool = page.locator('.tool', { hasText: 'npm run build && cat build.log' });
    await tool.locator('.tool-head').hover();
    await tool.getByRole('button', { name: 'Copy command' }).click();
    await waitFor(async () => (await clipboard()) === 'npm run build && cat build.log', { what: 'the command on the clipboard' });
    await tool.locator('.result-body').hover();
    await tool.getByRole('button', { name: 'Copy output' }).click();
    await waitFor(async () => (await clipboard()).split('\n').length === 40, { what: 'all 40 lines of the output (the preview shows 6)' });
    assert.match(await clipboard(), /line 30: ZEBRAFISH-NEEDLE/);

    const code = page.locator('.md pre', { hasText: 'const answer' });
    await code.locator('.hljs-keyword', { hasText: 'const' }).waitFor({ timeout: 10_000 });
    assert.equal(chunks.length, 1, 'the highlighter is one chunk, fetched once');
    await code.hover();
    await page.screenshot({ path: artifactPath('viewer-code-highlighted-light.png') });
    await code.getByRole('button', { name: 'Copy code' }).click();
    await waitFor(async () => (await clipboard()) === 'const answer: number = 42; // zebrafish-needle\n', { what: 'the code block on the clipboard' });
    await code.getByRole('button', { name: 'Copy code' }).filter({ hasText: 'Copied' }).waitFor();
    assert.deepEqual(errors, []);
  });

  it('shows each row\'s time (relative, exact on hover) and opens an image large, closing on Esc', async () => {
    const { page, errors } = await open({ viewport: { width: 390, height: 844 }, colorScheme: 'light' });
    const row = page.locator('.row', { hasText: 'Here is a screenshot' });
    const stamp = row.locator('time.stamp');
    const expected = JSON.parse(lines.at(-1)!).timestamp as string;
    assert.equal(await stamp.getAttribute('datetime'), expected, 'the time is the line\'s own timestamp');
    assert.match(await stamp.innerText(), /^(\d+ (min|h|d) ago|just now|[A-Z][a-z]{2} \d+, \d{4})$/);
    assert.match((await stamp.getAttribute('title')) ?? '', /2026/);

    await row.getByRole('button', { name: /Attached image 1 .*view larger/ }).click();
    const dialog = page.locator('dialog.zoom[open]');
    await dialog.waitFor();
    assert.ok(await dialog.locator('img.zoom-image').isVisible());
    await page.screenshot({ path: artifactPath('viewer-image-zoom-phone-light.png') });
    await page.keyboard.press('Escape');
    await waitFor(async () => (await page.locator('dialog.zoom').count()) === 0, { what: 'Esc to close the image' });
    assert.deepEqual(errors, []);
  });

  it('counts rows that arrive while the reader is scrolled up ("3 new") and jumps to them', async () => {
    const { page, errors } = await open();
    await page.evaluate(() => document.querySelector('.vlist')!.scrollTo({ top: 0 }));
    const jump = page.locator('button.jump');
    await waitFor(async () => (await jump.innerText()) === '↓ Jump to latest', { what: 'the jump button' });
    appendLines(docs.transcript, [user('new row one'), user('new row two'), user('new row three')], Origin.tail);
    await waitFor(async () => (await jump.innerText()) === '↓ 3 new', { timeoutMs: 10_000, what: '"↓ 3 new"' });
    await page.screenshot({ path: artifactPath('viewer-new-rows.png') });
    await jump.click();
    await page.getByText('new row three').waitFor({ timeout: 5_000 });
    await waitFor(async () => (await jump.count()) === 0, { what: 'the button to go once following again' });
    assert.deepEqual(errors, []);
  });
  it('lets a viewer set a display name once (kept locally), shows it as self-chosen, counts one person\'s two tabs once, and cleans a hostile name', async () => {
    const mallory = new Awareness(new Y.Doc());
    mallory.setLocalState({ user: { name: 'Viewer', role: 'observer', client: 'cli', viewerId: 'mallory-0001', displayName: `\u202Egnp.exe\u0007\u2066 ${'x'.repeat(300)}` } });
    const malloryConn = new ShareConnection({ relayUrl: relay.url, shareId: keys.shareId, token: keys.token('observer'), docs: { transcript: mallory.doc, queue: new Y.Doc() }, awareness: { transcript: mallory }, socket: nodeSocketFactory });
    try {
      const ana = await open();
      await ana.page.getByRole('button', { name: 'Set your name' }).click();
      await ana.page.getByRole('textbox', { name: 'Your name, as others watching see it' }).fill('Ana\u202E Lima');
      await ana.page.keyboard.press('Enter');
      await ana.page.getByRole('button', { name: 'You: Ana Lima' }).waitFor();
      const context = ana.page.context();
      const second = await open({ context, link: ana.page.url() });
      await second.page.getByRole('button', { name: 'You: Ana Lima' }).waitFor({ timeout: 5_000 });

      const olu = await open({ colorScheme: 'light', viewport: { width: 390, height: 844 } });
      const watching = olu.page.locator('.watchers');
      const label = () => watching.getAttribute('aria-label');
      await waitFor(async () => /^3 watching: /.test((await label()) ?? ''), { timeoutMs: 10_000, what: 'three watchers (Ana once for two tabs of her link, Olu, Mallory)' });
      const text = (await label())!;
      assert.match(text, /Ana Lima \(observer link [\w-]{6}\)/, 'a display name is shown as self-chosen');
      assert.match(text, /gnp\.exe x{52}/, 'a hostile name is shown cleaned and bounded');
      assert.doesNotMatch(text, /[\u202E\u2066\u0007]|x{53}/);
      await olu.page.screenshot({ path: artifactPath('viewer-display-names-phone-light.png') });
      assert.deepEqual([...ana.errors, ...second.errors, ...olu.errors], []);
    } finally {
      malloryConn.dispose();
    }
  });
});
