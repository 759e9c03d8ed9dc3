import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import * as Y from 'yjs';
import { Origin, appendLines, setMeta } from '../../protocol/src';
import type { ShareConnection } from '../../protocol/src/connector';
import { artifactPath, hasChromium, launchChromium } from './chromium';
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
  const contexts: BrowserContext[] = [];

  before(async function () {
    if (!hasChromium()) this.skip();
    browser = await launchChromium();
    relay = await startTestRelay();
    keys = newShareKeys();
    docs = { transcript: new Y.Doc(), queue: new Y.Doc() };
    host = await connectAsHost(relay.url, keys.shareId, keys.token('host'), docs);
    setMeta(docs.transcript, { title: 'Reading tools', state: 'live', hostLabel: 'ana-laptop' }, Origin.fixture);
    appendLines(docs.transcript, session(), Origin.fixture);
    await host.transcript.flush();
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    host?.dispose();
    await relay?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const [i, p] of contexts.flatMap((c) => c.pages()).entries()) await p.screenshot({ path: artifactPath(`failed-tools-${i}.png`) });
  });

  async function open(opts: { viewport?: { width: number; height: number }; colorScheme?: 'dark' | 'light'; context?: BrowserContext; name?: string } = {}): Promise<{ page: Page; errors: string[] }> {
    const context = opts.context ?? (await browser.newContext({ viewport: opts.viewport ?? { width: 1200, height: 860 }, colorScheme: opts.colorScheme ?? 'dark' }));
    if (!opts.context) contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(keys.link(relay.url, 'observer', opts.name));
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
    assert.equal(await page.evaluate(() => CSS.highlights.get('tandem-search-current')?.size), 1, 'the current hit is highlighted');
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
});
