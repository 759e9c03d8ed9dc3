import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import * as Y from 'yjs';
import { Origin, addPrompt, appendLines, queueRoom, setApproval, setMeta, type PendingApproval, type WebviewToHost } from '../../protocol/src';
import { buildViewerHtml, relayOrigins } from '../../extension/src/vscode/webview/viewerHtml';
import { artifactPath, requireChromium, launchChromium } from './chromium';
import { VIEWER_DIST, startTestRelay, type TestRelay } from './relay';
import { newShareKeys } from './shareKeys';
import { connectAsHost, startHost } from './host';
import { CORPUS, claudeDirWith } from './corpusSessions';
import { waitFor } from '../helpers/waitFor';
import { prompt } from '../unit/ui/lines';
import { pageState } from './pageState';

// The VS Code build of the viewer in Chromium, in the page the extension builds for it (its CSP with a
// nonce, vscode.js and vscode.css) with VS Code's webview API stood in for: the ready/init handshake,
// status messages back to the host, focusComposer, and a message the viewer must refuse.

describe('browser: the VS Code webview build', function () {
  this.timeout(60_000);
  let browser: Browser;
  let relay: TestRelay;
  // The page is served from loopback like the relay: Chromium's local-network checks stop a page on a
  // public origin (or a routed one) from opening sockets to 127.0.0.1.
  let webview: http.Server;
  let WEBVIEW = '';
  let html = '';

  before(async function () {
    requireChromium(this);
    browser = await launchChromium();
    webview = http.createServer((req, res) => {
      const name = path.basename(new URL(req.url ?? '/', 'http://x').pathname);
      if (!name) return res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      const file = path.join(VIEWER_DIST, name);
      if (!fs.existsSync(file)) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': name.endsWith('.css') ? 'text/css' : 'text/javascript' }).end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => webview.listen(0, '127.0.0.1', resolve));
    WEBVIEW = `http://127.0.0.1:${(webview.address() as AddressInfo).port}`;
    relay = await startTestRelay({ allowedOrigins: [WEBVIEW] });
  });
  after(async () => {
    await browser?.close();
    await relay?.close();
    webview?.close();
  });

  /** Loads the webview's page, with VS Code's webview API stood in for, and waits for its `ready`. */
  async function openWebview(page: Page, connectOrigins: string[]) {
    html = buildViewerHtml({ cspSource: WEBVIEW, scriptUri: `${WEBVIEW}/vscode.js`, styleUri: `${WEBVIEW}/vscode.css`, connectOrigins });
    // a string, not a function: tsx's name-keeping helper does not exist in the page
    await page.addInitScript('window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m) });');
    const posted = () => page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted);
    const send = (m: unknown) => page.evaluate((msg) => window.postMessage(msg, '*'), m);
    await page.goto(`${WEBVIEW}/`);
    await waitFor(async () => (await posted()).length > 0, { what: 'ready' });
    return { posted, send };
  }

  it('posts ready, connects on init, reports its status and focuses the composer when asked', async () => {
    const keys = newShareKeys();
    const claudeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-ui-vsc-'));
    const sessionFile = path.join(claudeDir, 'projects', '-work-app', '4ee0e48e-16e0-4f55-9548-e31cca6f4846.jsonl');
    fs.mkdirSync(path.dirname(sessionFile), { recursive: true });
    fs.writeFileSync(sessionFile, [prompt('Hello from the VS Code webview'), JSON.stringify({ type: 'custom-title', customTitle: 'Webview session' })].join('\n') + '\n');
    const host = await startHost({ relayUrl: relay.url, shareId: keys.shareId, hostToken: keys.token('host'), sessionFile, claudeDir });
    const page = await browser.newPage({ viewport: { width: 420, height: 760 }, colorScheme: 'dark' });
    try {
      const { posted, send } = await openWebview(page, relayOrigins(relay.url));
      assert.deepEqual((await posted())[0], { type: 'ready' }, 'the first thing the viewer says is ready');

      await send({ type: 'init', link: keys.link(relay.url, 'prompter', 'Ana') });
      await page.getByText('Hello from the VS Code webview').waitFor({ timeout: 15_000 });
      await waitFor(async () => (await posted()).some((m) => m.type === 'status' && m.connection === 'synced' && m.title === 'Webview session'), { timeoutMs: 10_000, what: 'a synced status with the title' });

      await send({ type: 'focusComposer' });
      await waitFor(() => page.evaluate(() => document.activeElement?.classList.contains('composer-input')), { what: 'the composer to have focus' });

      await send({ type: 'init' });
      await waitFor(async () => (await posted()).some((m) => m.type === 'log' && /ignored a message.*link/.test(m.message)), { what: 'the viewer to refuse a bad message' });

      // a prompter who may answer tool requests: the webview still never offers or asks for notifications
      setMeta(host.transcriptDoc, { toolApprovals: 'prompters' }, Origin.runner);
      setMeta(host.transcriptDoc, { state: 'live' }, Origin.tail);
      appendLines(host.transcriptDoc, [prompt('and a live line')], Origin.tail);
      await page.getByText('and a live line').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('.notify-button').count(), 0, 'no "Notify me" in the VS Code webview (the line came after the policy)');
      await page.screenshot({ path: artifactPath('vscode-webview-sidebar.png') });
    } finally {
      await page.close();
      await host.dispose();
      fs.rmSync(claudeDir, { recursive: true, force: true });
    }
  });

  it("draws the host's own tool request once, on the request's card with the host's buttons, and posts the answer to the host", async () => {
    const keys = newShareKeys();
    const docs = { transcript: new Y.Doc(), queue: new Y.Doc() };
    const host = await connectAsHost(relay.url, keys.shareId, keys.token('host'), docs);
    appendLines(docs.transcript, [prompt('A session whose host is this VS Code')], Origin.fixture);
    const now = Date.now();
    const request: PendingApproval = { id: 'req-host-1', promptId: 'p-remote-1', toolName: 'Bash', input: JSON.stringify({ command: 'rm -rf build' }), command: 'rm -rf build', createdAt: now, deadline: now + 600_000, state: 'pending', answerers: 'host' };
    addPrompt(docs.queue, { id: 'p-remote-1', text: 'clean the build', author: 'Ana', tokenId: 'ana-token', createdAt: now, kind: 'resume' }, Origin.composer);
    setApproval(docs.transcript, request, Origin.runner);
    const page = await browser.newPage({ viewport: { width: 420, height: 760 } });
    try {
      const { posted, send } = await openWebview(page, relayOrigins(relay.url));
      // the host's viewer reads its share through an observer link: such a link may not answer by itself
      await send({ type: 'init', link: keys.link(relay.url, 'observer') });
      const card = page.locator('[data-request-id="req-host-1"]');
      await card.waitFor({ timeout: 15_000 });
      assert.equal(await card.getByRole('button', { name: 'Allow', exact: true }).count(), 0, 'an observer link has no buttons until the host says the request is its own');
      const hostCard = { id: 'tool:req-host-1', kind: 'Tool requests', label: 'Ana wants to run Bash', detail: 'rm -rf build', answers: ['Allow', 'Allow for This Session', 'Deny…'], approvalId: 'req-host-1' };
      const remotePrompt = { id: 'prompt:p-2', kind: 'Remote prompts', label: 'Bo wants to run a prompt', detail: 'tidy up', answers: ['Approve', 'Reject'] };
      await send({ type: 'pending', cards: [hostCard, remotePrompt] });
      await card.getByRole('button', { name: 'Allow', exact: true }).waitFor({ timeout: 5000 });
      assert.equal(await page.locator('.approval-card').count(), 1, 'the request is drawn once');
      assert.deepEqual(await page.locator('.pending-card .pending-label').allInnerTexts(), ['Bo wants to run a prompt'], 'only what has no card of its own stays a pending card');
      // both in view at once: the pending cards take their height, the viewer (its footer with the request) the rest
      const box = await card.boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= 760, `the request's card is out of view: ${JSON.stringify(box)}`);
      assert.equal(await page.evaluate(() => document.scrollingElement!.scrollTop), 0, 'the page did not scroll the host cards away');
      await page.screenshot({ path: artifactPath('vscode-webview-host-tool-request.png') });
      // VS Code's sidebar viewer can be this short: the footer scrolls on its own, so reaching the card's
      // buttons does not scroll the page (and the pending cards above it) away
      await page.setViewportSize({ width: 420, height: 230 });
      await page.screenshot({ path: artifactPath('vscode-webview-host-tool-request-short.png') });
      await card.getByRole('textbox', { name: 'Message to Claude' }).fill('not the build folder');
      await card.getByRole('button', { name: 'Deny', exact: true }).click();
      assert.equal(await page.evaluate(() => document.scrollingElement!.scrollTop), 0, 'the page scrolled to reach the card: the footer does not scroll by itself');
      await waitFor(async () => (await posted()).find((m) => m.type === 'toolAnswer'), { what: 'the answer posted to the host' });
      assert.deepEqual((await posted()).filter((m) => m.type === 'toolAnswer'), [{ type: 'toolAnswer', approvalId: 'req-host-1', decision: 'deny', message: 'not the build folder' }]);
      assert.equal(queueRoom(docs.queue).answers.length, 0, 'the host answers through VS Code, not as a queue-room entry');
      // settled: the host takes the request off its pending list. A request whose prompt has no queue row
      // here still gets its one card, listed on its own
      setApproval(docs.transcript, { ...request, id: 'req-host-2', promptId: 'p-not-in-this-queue' }, Origin.runner);
      await send({ type: 'pending', cards: [remotePrompt, { ...hostCard, id: 'tool:req-host-2', approvalId: 'req-host-2' }] });
      await waitFor(async () => (await card.getByRole('button', { name: 'Allow', exact: true }).count()) === 0, { what: 'the buttons to go once the host no longer asks' });
      await page.locator('.approvals-list [data-request-id="req-host-2"]').getByRole('button', { name: 'Allow', exact: true }).click();
      await waitFor(async () => (await posted()).some((m) => m.type === 'toolAnswer' && m.approvalId === 'req-host-2' && m.decision === 'allow'), { what: 'the listed request answered' });
    } finally {
      await page.close();
      host.dispose();
    }
  });

  it('says the relay cannot be reached when nothing answers at the link\'s relay (a full state, nothing stale)', async () => {
    const keys = newShareKeys();
    const dead = http.createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'light' });
    try {
      html = buildViewerHtml({ cspSource: WEBVIEW, scriptUri: `${WEBVIEW}/vscode.js`, styleUri: `${WEBVIEW}/vscode.css`, connectOrigins: relayOrigins(deadUrl) });
      await page.addInitScript('window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m) });');
      await page.goto(`${WEBVIEW}/`);
      await waitFor(() => page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted.length > 0), { what: 'ready' });
      await page.evaluate((link) => window.postMessage({ type: 'init', link }, '*'), keys.link(deadUrl, 'observer'));
      await waitFor(async () => (await pageState(page)).state === 'unreachable', { timeoutMs: 15_000, what: 'the unreachable state' });
      assert.deepEqual(await pageState(page), { state: 'unreachable', title: "Can't reach the relay", rows: 0, reading: false, lostConnection: false, idlePill: 0, ownAvatar: 0, askHost: 1 });
      await waitFor(() => page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted.some((m) => m.type === 'status' && m.connection === 'unreachable')), { what: 'an unreachable status to the host' });
      await page.screenshot({ path: artifactPath('vscode-webview-unreachable-phone-light.png') });
    } finally {
      await page.close();
    }
  });

  it('draws a session at phone and desktop widths, light and dark (screenshots in test-artifacts/)', async () => {
    const keys = newShareKeys();
    const copy = claudeDirWith(path.join(CORPUS, 'bradymholt-dotfiles/projects/-Users-bholt-dev-evergreen/354b2588-2a5c-43d7-b678-e95a4a87bd2a.jsonl'));
    const host = await startHost({ relayUrl: relay.url, shareId: keys.shareId, hostToken: keys.token('host'), sessionFile: copy.sessionFile, claudeDir: copy.claudeDir });
    html = buildViewerHtml({ cspSource: WEBVIEW, scriptUri: `${WEBVIEW}/vscode.js`, styleUri: `${WEBVIEW}/vscode.css`, connectOrigins: relayOrigins(relay.url) });
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      try {
        await page.addInitScript('window.acquireVsCodeApi = () => ({ postMessage: () => undefined });');
        await page.goto(`${WEBVIEW}/`);
        await page.evaluate((link) => window.postMessage({ type: 'init', link }, '*'), keys.link(relay.url, 'prompter', 'Ana'));
        await page.waitForSelector('.vrow .msg', { timeout: 15_000 });
        for (const [width, height] of [[390, 844], [1280, 800]] as const) {
          await page.setViewportSize({ width, height });
          for (const colorScheme of ['light', 'dark'] as const) {
            await page.emulateMedia({ colorScheme });
            await page.screenshot({ path: artifactPath(`vscode-webview-${width < 500 ? 'phone' : 'desktop'}-${colorScheme}.png`) });
          }
        }
      } finally {
        await page.close();
      }
    } finally {
      await host.dispose();
      fs.rmSync(copy.claudeDir, { recursive: true, force: true });
    }
  });

  it('loads the syntax highlighter chunk only at the first code block, under the webview CSP, and opens find on Ctrl+F', async () => {
    const keys = newShareKeys();
    const docs = { transcript: new Y.Doc(), queue: new Y.Doc() };
    const host = await connectAsHost(relay.url, keys.shareId, keys.token('host'), docs);
    appendLines(docs.transcript, [prompt('No code in this session yet')], Origin.fixture);
    const page = await browser.newPage({ viewport: { width: 420, height: 760 }, colorScheme: 'light' });
    try {
      html = buildViewerHtml({ cspSource: WEBVIEW, scriptUri: `${WEBVIEW}/vscode.js`, styleUri: `${WEBVIEW}/vscode.css`, connectOrigins: relayOrigins(relay.url) });
      await page.addInitScript(
        "window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber)); window.acquireVsCodeApi = () => ({ postMessage: (m) => m.type === 'ready' && window.postMessage({ type: 'init', link: window.__link }, '*') });",
      );
      await page.addInitScript(`window.__link = ${JSON.stringify(keys.link(relay.url, 'observer'))};`);
      const chunks: string[] = [];
      page.on('request', (r) => {
        if (/highlighter-\w+\.js$/.test(r.url())) chunks.push(r.url());
      });
      await page.goto(`${WEBVIEW}/`);
      await page.locator('.prompt-text', { hasText: 'No code in this session yet' }).waitFor({ timeout: 15_000 });
      assert.deepEqual(chunks, [], 'no code block yet: the highlighter is not fetched');

      const reply = JSON.stringify({ type: 'assistant', uuid: 'a-code', message: { id: 'msg_code', role: 'assistant', content: [{ type: 'text', text: '```python\ndef greet(name):\n    return f"hi {name}"\n```' }] } });
      appendLines(docs.transcript, [reply], Origin.tail);
      await page.locator('.md pre code.hl .hljs-keyword', { hasText: 'def' }).waitFor({ timeout: 10_000 });
      assert.equal(chunks.length, 1, 'the first code block fetches the chunk');
      assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), [], 'nothing broke the CSP');

      await page.locator('.vlist').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('Control+f');
      await page.getByRole('searchbox', { name: 'Find in transcript' }).fill('greet');
      await waitFor(async () => (await page.locator('.search-count').innerText()) === '1 of 1', { what: 'find in the webview build' });
      assert.equal(await page.locator('button.jump').count(), 0, 'a hit the page already shows does not leave follow mode');
      await page.screenshot({ path: artifactPath('vscode-webview-highlight-find-light.png') });
    } finally {
      await page.close();
      host.dispose();
    }
  });

  it('shows a local session from posted Yjs updates with no relay, and answers a pending card by its button', async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 760 } });
    try {
      const sockets: string[] = [];
      page.on('websocket', (ws) => sockets.push(ws.url()));
      const { posted, send } = await openWebview(page, []);
      // the host's document: what LocalTranscript publishes, sent as bytes the way VS Code posts a Uint8Array
      const doc = new Y.Doc();
      appendLines(doc, [prompt('Read from this machine only')], Origin.tail);
      const sendBytes = (type: 'local' | 'localUpdate', update: Uint8Array) => page.evaluate(([t, bytes]) => window.postMessage({ type: t, update: new Uint8Array(bytes as number[]) }, '*'), [type, [...update]] as const);
      await sendBytes('local', Y.encodeStateAsUpdate(doc));
      await page.locator('.prompt-text', { hasText: 'Read from this machine only' }).waitFor({ timeout: 10_000 });
      const before = Y.encodeStateVector(doc);
      appendLines(doc, [prompt('and the next line, as the file grows')], Origin.tail);
      await sendBytes('localUpdate', Y.encodeStateAsUpdate(doc, before));
      await page.locator('.prompt-text', { hasText: 'and the next line, as the file grows' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('.composer-input').count(), 0, 'a local session has no composer');

      const hostile = '<img src=x onerror="window.__pwned=1">';
      const card = { id: 'prompt:p-1', kind: 'Remote prompts', label: `Ana wants to run a prompt in /work/app`, detail: hostile, answers: ['Approve', 'Reject', 'Always Allow This Link'] };
      await send({ type: 'pending', cards: [card] });
      await page.getByText(hostile).waitFor({ timeout: 5000 });
      await page.screenshot({ path: artifactPath('vscode-webview-approval-card.png') });
      await page.getByRole('button', { name: 'Approve', exact: true }).click();
      await waitFor(async () => (await posted()).some((m) => m.type === 'answer' && m.id === 'prompt:p-1' && m.answer === 0), { what: 'the answer posted to the host' });
      await send({ type: 'pending', cards: [] });
      await page.getByText(hostile).waitFor({ state: 'detached', timeout: 5000 });
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.deepEqual(sockets, [], 'nothing connects anywhere');
    } finally {
      await page.close();
    }
  });
});
