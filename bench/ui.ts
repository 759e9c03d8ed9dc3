import path from 'node:path';
import type { Browser } from 'playwright-core';
import * as Y from 'yjs';
import { Origin, appendLines, setMeta } from '../protocol/src';
import { createJsonLogger } from '../relay/src/logger';
import { startRelay } from '../relay/src/startRelay';
import { launchChromium } from '../test/browser/chromium';
import { connectAsHost } from '../test/browser/host';
import { newShareKeys } from '../test/browser/shareKeys';
import { median, percentile } from './harness/stats';
import { lineSize, seededRandom, syntheticLine, wordText } from './harness/syntheticTranscript';
import type { BenchRow } from './harness/types';

// The viewer in real Chromium on a 50,000-line session served by the real relay. First paint: from the
// rooms being synced to the first frame with transcript rows (User Timing marks the viewer sets),
// against the same lines drawn as one plain <pre> in the same browser. Scrolling: frame times while
// the whole transcript is scrolled through, against the <pre>. Median of ROUNDS page loads.

export const description = 'viewer first paint, scrolling and find in a 50k-line session in Chromium (vs the same lines in a <pre>, and indexOf over them)';

const LINES = Number(process.env.TANDEM_BENCH_UI_LINES ?? 50_000);
/** lines are capped at 4 KB (median ~1 KB as surveyed) so the <pre> peer can paint: the bench is about
 *  line count. TANDEM_BENCH_UI_MAX_LINE_BYTES=1e9 lifts the cap (82 MiB at 35k lines, 123 MiB at 50k) */
const MAX_LINE_BYTES = Number(process.env.TANDEM_BENCH_UI_MAX_LINE_BYTES ?? 4000);
const ROUNDS = 3;
/** a plain <pre> of ~80 MB of text does not paint in minutes (Chromium lays it all out); past this the peer is reported as not painted */
const PEER_TIMEOUT_MS = 90_000;
const SCROLL_FRAMES = 150;
/** a fast flick: 60 px a frame is 3,600 px/s at 60 fps */
const SCROLL_PX = 60;
const VIEWPORT = { width: 1280, height: 900 };

/** find's query: one prompt half way down holds it (the search still reads every item to count hits) */
const NEEDLE = 'qzxv-bench-needle';

function session(): string[] {
  const rnd = seededRandom(11);
  const text = wordText(rnd, 2 * 1024 * 1024);
  const lines = Array.from({ length: LINES }, (_, i) => syntheticLine(rnd, text, '0b0b0b0b-0000-4000-8000-000000000002', i, Math.min(lineSize(rnd), MAX_LINE_BYTES)));
  const middle = JSON.parse(lines[LINES >> 1]) as Record<string, unknown>;
  lines[LINES >> 1] = JSON.stringify({ ...middle, type: 'user', message: { role: 'user', content: `The bench looks for ${NEEDLE} here.` } });
  return lines;
}

/** Opens find, types NEEDLE and presses Enter; ms from Enter to "1 of 1" shown, and to the hit painted in its row. */
const findFirstHit = (needle: string) =>
  new Promise<{ counted: number; painted: number }>((resolve, reject) => {
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'f', ctrlKey: true }));
    const started = performance.now();
    const waitInput = () => {
      const input = document.querySelector<HTMLInputElement>('.search-input');
      if (!input) return performance.now() - started > 5000 ? reject(new Error('find did not open')) : requestAnimationFrame(waitInput);
      input.value = needle;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const t0 = performance.now();
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      let counted = 0;
      const poll = () => {
        if (!counted && document.querySelector('.search-count')?.textContent === '1 of 1') counted = performance.now() - t0;
        const current = (CSS.highlights as unknown as Map<string, Set<Range>>).get('tandem-search-current');
        if (counted && current?.size === 1) return resolve({ counted, painted: performance.now() - t0 });
        if (performance.now() - t0 > 10_000) return reject(new Error(`find did not show its hit: ${document.querySelector('.search-count')?.textContent}`));
        setTimeout(poll, 0);
      };
      poll();
    };
    waitInput();
  });

/** Scrolls `selector` one step per frame (`step` px, or 0 to cross the whole list in `frames` steps),
 *  starting half way down; returns frame times in ms. */
const scrollFrames = ([selector, frames, px]: readonly [string, number, number]) =>
  new Promise<number[]>((resolve) => {
    const el = document.querySelector(selector) as HTMLElement;
    const step = px || (el.scrollHeight - el.clientHeight) / frames;
    el.scrollTop = px ? (el.scrollHeight - el.clientHeight) / 2 : 0;
    const times: number[] = [];
    let last = performance.now();
    let n = 0;
    const tick = (now: number) => {
      times.push(now - last);
      last = now;
      if (++n > frames) return resolve(times.slice(1));
      el.scrollTop += step;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });

/** Layout passes the list ran in each frame (VirtualList counts them in `data-layout-passes`) while
 *  `frames` frames each scroll by `px` and change the page width (a resize sweep over `widths`). */
const passesPerFrame = ([frames, px, widths]: readonly [number, number, readonly number[]]) =>
  new Promise<number[]>((resolve) => {
    const el = document.querySelector('.vlist') as HTMLElement;
    const app = document.getElementById('app')!;
    const count = () => Number(el.dataset.layoutPasses ?? 0);
    const out: number[] = [];
    let before = count();
    let n = 0;
    const tick = () => {
      out.push(count() - before);
      before = count();
      if (++n > frames) {
        app.style.width = '';
        return resolve(out.slice(1));
      }
      el.scrollTop += n % 2 ? px : -px / 2;
      app.style.width = `${widths[n % widths.length]}px`;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });

const LONG_TASKS = 'window.__longest = 0; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration); }).observe({ type: "longtask", buffered: true });';
const longestTask = () => (window as unknown as { __longest: number }).__longest;
const SWEEP = Array.from({ length: 12 }, (_, i) => 360 + i * 80);
/** MAX_PASSES_PER_FRAME in VirtualList.tsx, plus the pass of a row that resized on its own */
const PASS_TARGET = 7;

export async function run(): Promise<BenchRow[]> {
  const lines = session();
  const bytes = lines.reduce((n, l) => n + l.length, 0);
  process.stderr.write(`  ${LINES} lines, ${(bytes / 1024 / 1024).toFixed(0)} MiB\n`);
  const relay = await startRelay({ port: 0, staticDir: path.resolve(__dirname, '../dist/webview'), log: createJsonLogger(() => undefined) });
  const keys = newShareKeys();
  const docs = { transcript: new Y.Doc(), queue: new Y.Doc() };
  const browser = await launchChromium();
  const host = await connectAsHost(relay.url, keys.shareId, keys.token('host'), docs);
  try {
    setMeta(docs.transcript, { title: 'Bench session', state: 'idle', hostLabel: 'bench' }, Origin.fixture);
    for (let i = 0; i < lines.length; i += 5000) appendLines(docs.transcript, lines.slice(i, i + 5000), Origin.fixture);
    await host.transcript.flush();

    const paint: number[] = [];
    const open: number[] = [];
    const built: number[] = [];
    let ourFrames: number[] = [];
    let ourJumps: number[] = [];
    let rowsInDom = 0;
    let passes: number[] = [];
    let ourLongest = 0;
    let find = { counted: 0, painted: 0 };
    for (let r = 0; r < ROUNDS; r++) {
      const page = await browser.newPage({ viewport: VIEWPORT });
      page.on('console', (m) => process.stderr.write(`  page: ${m.text()}\n`));
      // tsx keeps function names with a helper the page does not have
      await page.addInitScript('window.__name = (f) => f');
      await page.addInitScript(LONG_TASKS);
      page.on('pageerror', (e) => process.stderr.write(`  page error: ${e.message}\n`));
      await page.goto(keys.link(relay.url, 'observer'));
      await page.waitForFunction(() => performance.getEntriesByName('tandem:rows').length > 0, undefined, { timeout: 60_000, polling: 50 });
      const marks = await page.evaluate(() => ({
        synced: performance.getEntriesByName('tandem:synced')[0].startTime,
        rows: performance.getEntriesByName('tandem:rows')[0].startTime,
      }));
      paint.push(marks.rows - marks.synced);
      open.push(marks.rows);
      // the "reading earlier messages" row goes when the background build has caught up
      await page.waitForFunction(() => !document.querySelector('.vheader'), undefined, { timeout: 60_000, polling: 20 });
      built.push((await page.evaluate(() => performance.now())) - marks.synced);
      if (r === ROUNDS - 1) {
        ourFrames = await page.evaluate(scrollFrames, ['.vlist', SCROLL_FRAMES, SCROLL_PX] as const);
        ourJumps = await page.evaluate(scrollFrames, ['.vlist', SCROLL_FRAMES, 0] as const);
        rowsInDom = await page.evaluate(() => document.querySelectorAll('.vrow').length);
        passes = await page.evaluate(passesPerFrame, [SCROLL_FRAMES, SCROLL_PX * 4, SWEEP] as const);
        ourLongest = await page.evaluate(longestTask);
        find = await page.evaluate(findFirstHit, NEEDLE);
      }
      await page.close();
    }

    const raw = lines.join('\n');
    const t0 = performance.now();
    const peerAt = raw.indexOf(NEEDLE);
    const peerFind = performance.now() - t0;
    if (peerAt < 0) throw new Error('the bench needle is not in the session');
    const pre = await withTimeout(measurePre(browser, lines.join('\n')), PEER_TIMEOUT_MS);
    const late = `<pre> did not paint within ${PEER_TIMEOUT_MS / 1000} s`;
    const ourPaint = median(paint);
    const ourP95 = percentile(ourFrames, 95);
    const peer = (text: (p: PreResult) => string) => (pre ? text(pre) : late);
    const ratio = (ours: number, of: (p: PreResult) => number) => (pre ? ours / of(pre) : undefined);
    return [
      { metric: `first paint, ${LINES} lines (synced → rows)`, value: ourPaint, unit: 'ms', peer: peer((p) => `<pre> of the same lines: ${median(p.paint).toFixed(0)} ms`), ratio: ratio(ourPaint, (p) => median(p.paint)), target: '≤ 500 ms', ok: ourPaint <= 500 },
      { metric: 'open link → rows (incl. relay sync)', value: median(open), unit: 'ms' },
      { metric: 'whole session in the model (background)', value: median(built), unit: 'ms' },
      { metric: 'scroll 60 px/frame: frame p95', value: ourP95, unit: 'ms', peer: peer((p) => `<pre>: p95 ${percentile(p.frames, 95).toFixed(1)} ms`), ratio: ratio(ourP95, (p) => percentile(p.frames, 95)), target: '≤ 33 ms', ok: ourP95 <= 33 },
      { metric: 'scroll 60 px/frame: longest frame', value: Math.max(...ourFrames), unit: 'ms', peer: peer((p) => `<pre>: ${Math.max(...p.frames).toFixed(0)} ms`) },
      { metric: 'jump through the whole session: frame p95', value: percentile(ourJumps, 95), unit: 'ms', peer: peer((p) => `<pre>: p95 ${percentile(p.jumps, 95).toFixed(1)} ms`), ratio: ratio(percentile(ourJumps, 95), (p) => percentile(p.jumps, 95)) },
      { metric: 'rows in the DOM while scrolling', value: rowsInDom, unit: 'rows', peer: `${LINES} lines` },
      { metric: 'layout passes per frame, scrolling + resize sweep: mean', value: passes.reduce((a, b) => a + b, 0) / passes.length, unit: 'passes' },
      { metric: 'layout passes per frame, scrolling + resize sweep: max', value: Math.max(...passes), unit: 'passes', target: `1–${PASS_TARGET}`, ok: Math.max(...passes) >= 1 && Math.max(...passes) <= PASS_TARGET },
      { metric: 'longest task (open, build, scroll, resize)', value: ourLongest, unit: 'ms', peer: peer((p) => `<pre>: ${p.longest.toFixed(0)} ms`), ratio: ratio(ourLongest, (p) => p.longest) },
      { metric: `find: first hit counted, ${LINES} lines (cold)`, value: find.counted, unit: 'ms', peer: `indexOf over the raw lines: ${peerFind.toFixed(1)} ms`, ratio: find.counted / Math.max(peerFind, 0.01), target: '≤ 200 ms', ok: find.counted <= 200 },
      { metric: 'find: hit scrolled to and painted', value: find.painted, unit: 'ms' },
    ];
  } finally {
    await browser.close();
    host.dispose();
    await relay.close();
  }
}

type PreResult = { paint: number[]; frames: number[]; jumps: number[]; longest: number };

/** The peer: the same lines as one plain <pre>, painted ROUNDS times, scrolled in the last round. */
async function measurePre(browser: Browser, text: string): Promise<PreResult> {
  const out: PreResult = { paint: [], frames: [], jumps: [], longest: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.setContent('<pre id="peer" style="height:100vh;margin:0;overflow:auto;white-space:pre-wrap"></pre>');
    await page.evaluate(LONG_TASKS);
    await page.evaluate('window.__name = (f) => f');
    await page.evaluate((t) => ((window as unknown as { text: string }).text = t), text);
    out.paint.push(
      await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const t0 = performance.now();
            document.getElementById('peer')!.textContent = (window as unknown as { text: string }).text;
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
          }),
      ),
    );
    if (r === ROUNDS - 1) {
      out.frames = await page.evaluate(scrollFrames, ['#peer', SCROLL_FRAMES, SCROLL_PX] as const);
      out.jumps = await page.evaluate(scrollFrames, ['#peer', SCROLL_FRAMES, 0] as const);
      out.longest = await page.evaluate(longestTask);
    }
    await page.close();
  }
  return out;
}

/** `work`'s result, or null if it takes longer than `ms` (a page that hangs is left to browser.close()). */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  return Promise.race([work.catch(() => null), late]).finally(() => clearTimeout(timer));
}
