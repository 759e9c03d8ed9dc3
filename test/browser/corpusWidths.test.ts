import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, requireChromium, launchChromium } from './chromium';
import { CORPUS, claudeDirWith, corpusMainTranscripts } from './corpusSessions';
import { startHost, type TestHost } from './host';
import { startTestRelay, type TestRelay } from './relay';
import { newShareKeys } from './shareKeys';

// Every real session of the corpus, published through the real relay, opened in Chromium at phone,
// narrow and desktop widths and then resized across many widths: the page must keep answering (a
// layout that never settles blocks the main thread for good) and must show rows.

const WIDTHS = [
  { width: 390, height: 844 },
  { width: 560, height: 800 },
  { width: 1280, height: 800 },
];
const SWEEP = Array.from({ length: 15 }, (_, i) => 300 + i * 71);
const ANSWER_MS = 1000;

type Share = { name: string; link: string };

/** The page answers a script call within ANSWER_MS with the number of rows drawn, or null when frozen.
 *  A miss is asked once more: a machine shared by many test runs can stall a healthy page for a moment,
 *  while a layout that never settles misses every time. */
async function rowsIfResponsive(page: Page): Promise<number | null> {
  return (await answer(page)) ?? answer(page);
}

async function answer(page: Page): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const frozen = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ANSWER_MS)));
  // two animation frames: a layout loop that yields between frames but never settles fails here too
  const answer = page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(document.querySelectorAll('.vrow').length)))));
  return Promise.race([answer.catch(() => null), frozen]).finally(() => clearTimeout(timer));
}

describe('browser: every corpus session at every width', function () {
  this.timeout(240_000);
  let browser: Browser;
  let relay: TestRelay;
  const hosts: TestHost[] = [];
  const dirs: string[] = [];
  const shares: Share[] = [];

  before(async function () {
    requireChromium(this);
    browser = await launchChromium();
    relay = await startTestRelay();
    for (const source of corpusMainTranscripts()) {
      const keys = newShareKeys();
      const { claudeDir, sessionFile } = claudeDirWith(source);
      dirs.push(claudeDir);
      hosts.push(await startHost({ relayUrl: relay.url, shareId: keys.shareId, hostToken: keys.token('host'), sessionFile, claudeDir }));
      shares.push({ name: path.relative(CORPUS, source), link: keys.link(relay.url, 'observer') });
    }
  });
  after(async () => {
    await browser?.close();
    for (const h of hosts) await h.dispose();
    await relay?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('opens each session at 390, 560 and 1280 px and through a resize sweep; the page always answers within 1 s and shows rows', async () => {
    assert.ok(shares.length >= 10, `the corpus has its sessions (found ${shares.length})`);
    const problems: string[] = [];
    const pages = new Map<number, Page>();
    const pageFor = async (size: (typeof WIDTHS)[number]) => {
      let page = pages.get(size.width);
      if (!page) pages.set(size.width, (page = await browser.newPage({ viewport: size })));
      return page;
    };
    const started = Date.now();
    for (const share of shares) {
      for (const size of WIDTHS) {
        const page = await pageFor(size);
        await page.goto(share.link);
        let rows: number | null = 0;
        const deadline = Date.now() + 15_000;
        while (rows === 0 && Date.now() < deadline) rows = await rowsIfResponsive(page);
        if (rows === null || rows === 0) {
          problems.push(`${share.name} at ${size.width} px: ${rows === null ? `no answer within ${ANSWER_MS} ms` : 'no rows after 15 s'}`);
          await page.close();
          pages.delete(size.width);
          continue;
        }
        if (share.name.includes('354b2588') && size.width !== 560) {
          for (const colorScheme of ['light', 'dark'] as const) {
            await page.emulateMedia({ colorScheme });
            await page.screenshot({ path: artifactPath(`viewer-${size.width < 500 ? 'phone' : 'desktop'}-${colorScheme}.png`) });
          }
          await page.emulateMedia({ colorScheme: null });
        }
        if (size.width !== 560) continue;
        for (const width of SWEEP) {
          await page.setViewportSize({ width, height: size.height });
          const n = await rowsIfResponsive(page);
          if (!n) {
            problems.push(`${share.name} resized to ${width} px: ${n === null ? `no answer within ${ANSWER_MS} ms` : 'no rows'}`);
            await page.close();
            pages.delete(size.width);
            break;
          }
        }
        await pages.get(size.width)?.setViewportSize(size);
      }
    }
    for (const p of pages.values()) await p.close();
    assert.deepEqual(problems, [], `took ${Date.now() - started} ms`);
  });
});
