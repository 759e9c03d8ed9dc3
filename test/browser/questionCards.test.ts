import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { Origin, ToolAnswer, queueRoom, readApprovals, setApproval, setMeta, type PendingApproval } from '../../protocol/src';
import { artifactPath, requireChromium, launchChromium } from './chromium';
import { startHost, type TestHost } from './host';
import { startTestRelay, type TestRelay } from './relay';
import { newShareKeys, type ShareKeys } from './shareKeys';
import { makeHarness, type Harness } from '../e2e/prompts/harness';
import { waitFor } from '../helpers/waitFor';

// AskUserQuestion as a form and ExitPlanMode as a plan to approve, in real Chromium against the real
// `claude`: the card shows at its tool call and in its prompt's queue row, the tab's title
// counts what is pending, and a prompter's tab in the background gets a system notification.

// records every Notification the page makes, and lets a test say the tab is in the background
const NOTIFICATION_SPY = `(() => {
  window.__notes = [];
  window.__asks = 0;
  const Real = window.Notification;
  class Spy extends Real {
    constructor(title, options) { super(title, options); window.__notes.push({ title, body: options && options.body }); }
  }
  Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
  Spy.requestPermission = (...a) => { window.__asks++; return Real.requestPermission(...a); };
  window.Notification = Spy;
  let hidden = false;
  window.__setHidden = (h) => { hidden = h; };
  Object.defineProperty(document, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') });
})();`;

type Note = { title: string; body?: string };
const notesOf = (page: Page) => page.evaluate(() => (window as unknown as { __notes: Note[] }).__notes);

describe('browser: question and plan cards, title badge, notifications', function () {
  this.timeout(120_000);
  let browser: Browser;
  let relay: TestRelay;
  let h: Harness;
  let host: TestHost;
  let keys: ShareKeys;

  before(async function () {
    requireChromium(this);
    browser = await launchChromium();
  });
  after(async () => browser?.close());
  beforeEach(async () => {
    relay = await startTestRelay();
    keys = newShareKeys();
    h = await makeHarness();
    host = await startHost({ relayUrl: relay.url, shareId: keys.shareId, hostToken: keys.token('host'), sessionFile: h.env.transcriptPath(h.sessionId)!, claudeDir: h.env.claudeDir, hostLabel: 'ana-laptop', transcriptDoc: h.transcriptDoc, queueDoc: h.queueDoc });
    setMeta(h.transcriptDoc, { toolApprovals: 'prompters' }, Origin.runner);
    await h.start({ toolApprovals: { policy: 'prompters' } });
  });
  afterEach(async () => {
    await host?.dispose();
    await h?.dispose();
    await relay?.close();
  });

  async function openPrompter(name: string, width = 1280, grant = true): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    if (grant) await context.grantPermissions(['notifications'], { origin: new URL(relay.url).origin });
    await context.addInitScript(NOTIFICATION_SPY);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(keys.link(relay.url, 'prompter', name));
    await page.locator('.composer').waitFor();
    return { page, errors };
  }

  it('answers AskUserQuestion from the form in the queue row: picks, a multi-select, "Other" words; Claude gets them; a background tab is notified', async () => {
    const { page, errors } = await openPrompter('Ana Lima');
    const phone = await openPrompter('Pat Phone', 390);
    const away = await openPrompter('Bo Background');
    await away.page.getByRole('button', { name: 'Notify me of requests' }).click();
    await away.page.getByRole('button', { name: 'Notifications on' }).waitFor();
    await away.page.evaluate(() => (window as unknown as { __setHidden(h: boolean): void }).__setHidden(true));
    const baseTitle = await page.title();

    const questions = [
      { question: 'Which color\u202e?', header: 'Color', multiSelect: false, options: [{ label: 'Red', description: 'warm <b>and</b> bright' }, { label: 'Blue', description: 'cool' }] },
      { question: 'Which sides?', header: 'Sides', multiSelect: true, options: [{ label: 'Top', description: 'up' }, { label: 'Left', description: 'west' }, { label: 'Right', description: 'east' }] },
    ];
    const promptId = h.queue(`ask me [[tool: AskUserQuestion ${JSON.stringify({ questions })}]]`);
    const inRow = page.locator(`.queue-row[data-prompt-id="${promptId}"] .approval-card`);
    await inRow.waitFor({ timeout: 45_000 });
    await page.locator('.tool .approval-kind-questions').waitFor();
    assert.equal(await page.locator('.approval-card').count(), 2, 'the card is at its tool call in the transcript and in its prompt\'s row, nowhere else');
    assert.equal(await inRow.locator('.question-text').first().innerText(), 'Which color\\u202e?', 'network text is shown escaped');
    assert.equal(await page.title(), `(1) ${baseTitle}`, 'the title counts the pending request');
    assert.equal(await inRow.locator('fieldset').count(), 2);
    assert.equal(await inRow.locator('.question-description').first().innerText(), 'warm <b>and</b> bright', 'descriptions are text');
    assert.equal(await inRow.locator('input[type=radio]').count(), 3, 'two options and Other');
    assert.equal(await inRow.locator('input[type=checkbox]').count(), 4, 'three options and Other');
    await phone.page.locator('.approval-kind-questions').first().waitFor();
    await phone.page.screenshot({ path: artifactPath('viewer-question-phone.png'), fullPage: true });
    await page.screenshot({ path: artifactPath('viewer-question-desktop.png'), fullPage: true });

    await waitFor(async () => (await notesOf(away.page)).length === 1, { what: 'the background tab to be notified' });
    const [note] = await notesOf(away.page);
    assert.equal(note.title, 'Claude Code has a question');
    assert.equal(note.body, 'Which color\\u202e?', 'the notification text is escaped');
    assert.deepEqual(await notesOf(page), [], 'a visible tab is not notified');

    const inline = page.locator('.tool .approval-kind-questions');
    await inline.getByLabel('Red').check();
    await inRow.getByLabel('Blue').check();
    assert.ok(await inline.getByLabel('Red').isChecked(), 'each copy of the form has its own radio groups');
    const sides = inRow.locator('fieldset').nth(1);
    await sides.getByLabel('Right').check();
    await sides.getByLabel('Top').check();
    await sides.getByLabel('Your own answer to: Which sides?').fill('the back too');
    await inRow.focus();
    await page.keyboard.press('y');

    const answer = await waitFor(() => queueRoom(h.queueDoc).answers.toArray().map((v) => ToolAnswer.parse(v)).at(-1), { what: 'the answer in the queue room' });
    assert.deepEqual(answer.updatedInput, { answers: { 'Which color\u202e?': 'Blue', 'Which sides?': 'Top, Right, the back too' } });
    assert.equal(answer.author, 'Ana Lima');
    await h.waitForState(promptId, 'done', 30_000);
    const sent = h.fake.requests.filter((r) => r.body.includes('Your questions have been answered'));
    assert.equal(sent.length, 1, 'Claude got the answers');
    assert.ok(sent[0].body.includes(String.raw`\"Which sides?\"=\"Top, Right, the back too\"`));
    await inRow.waitFor({ state: 'detached' });
    await waitFor(async () => (await page.title()) === baseTitle, { what: 'the title badge to clear' });
    assert.deepEqual([...errors, ...phone.errors, ...away.errors], []);
  });

  it('shows ExitPlanMode as the plan in markdown, and Approve plan at its tool call in the transcript ends plan mode', async () => {
    const { page, errors } = await openPrompter('Ana Lima');
    const phone = await openPrompter('Pat Phone', 390);
    await h.waitForState(h.queue('plan first [[tool: EnterPlanMode {}]]'), 'done', 30_000);
    const plan = '# The plan\n\n1. add the **form**\n2. test it\n\n<img src=x onerror="window.__pwned=1">';
    const promptId = h.queue(`here [[tool: ExitPlanMode ${JSON.stringify({ plan })}]]`);
    const card = page.locator('.tool .approval-kind-plan');
    await card.waitFor({ timeout: 45_000 });
    assert.equal(await card.locator('.approval-plan h1').innerText(), 'The plan');
    assert.equal(await card.locator('.approval-plan strong').innerText(), 'form');
    assert.equal(await card.locator('.approval-plan img').count(), 0, 'the plan goes through the sanitiser');
    assert.equal(await page.locator(`.queue-row[data-prompt-id="${promptId}"] .approval-kind-plan`).count(), 1, 'the queue row shows it too');
    await phone.page.locator('.approval-plan').first().waitFor();
    await phone.page.screenshot({ path: artifactPath('viewer-plan-phone.png'), fullPage: true });
    await page.screenshot({ path: artifactPath('viewer-plan-desktop.png'), fullPage: true });

    await card.getByRole('button', { name: 'Approve plan' }).click();
    const run = await h.waitForState(promptId, 'done', 30_000);
    assert.match(run.resultText ?? '', /User has approved your plan/);
    const [approval] = [...readApprovals(h.transcriptDoc).values()].filter((a) => a.toolName === 'ExitPlanMode');
    assert.equal(approval.state, 'allowed');
    assert.equal(approval.answeredBy, 'Ana Lima');
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual([...errors, ...phone.errors], []);
  });

  it('keys act on the focused card: a new card never takes the focus from the composer, and answering one moves the focus to the next', async () => {
    const { page, errors } = await openPrompter('Ana Lima');
    const composer = page.getByRole('textbox', { name: 'Prompt' });
    await composer.fill('draft with y and n');
    await composer.focus();
    const now = Date.now();
    const request = (id: string, command: string): PendingApproval => ({ id, promptId: `p-elsewhere-${id}`, toolName: 'Bash', input: JSON.stringify({ command }), command, createdAt: now, deadline: now + 600_000, state: 'pending', answerers: 'prompters' });
    setApproval(h.transcriptDoc, request('req-first', 'echo one'), Origin.runner);
    setApproval(h.transcriptDoc, request('req-second', 'echo \u202eowt'), Origin.runner);
    await page.locator('.approval-card').nth(1).waitFor();
    assert.equal(await page.locator('[data-request-id="req-second"] .approval-input').innerText(), 'echo \\u202eowt', 'a bidi override in a command is shown, not obeyed');
    assert.match(await page.title(), /^\(2\) /);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Prompt', 'the composer keeps the focus');
    await page.keyboard.type(' y');
    assert.equal(await composer.inputValue(), 'draft with y and n y', 'typing goes to the composer, not to a card');
    assert.equal(queueRoom(h.queueDoc).answers.length, 0);

    await page.locator('[data-request-id="req-first"]').focus();
    await page.keyboard.press('y');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-request-id')), 'req-second', 'the focus moved to the next card');
    await page.keyboard.press('n');
    const answers = await waitFor(() => (queueRoom(h.queueDoc).answers.length === 2 ? queueRoom(h.queueDoc).answers.toArray().map((v) => ToolAnswer.parse(v)) : undefined), { what: 'two answers' });
    assert.deepEqual(answers.map((a) => [a.requestId, a.decision]), [['req-first', 'allow'], ['req-second', 'deny']]);

    // the host refuses the second answer: its sender sees why, and may answer again
    setApproval(h.transcriptDoc, { ...request('req-second', 'echo \u202eowt'), refused: [{ answerId: answers[1].id, author: 'Ana Lima', reason: 'it came too late \u202e' }] }, Origin.runner);
    const second = page.locator('[data-request-id="req-second"]');
    await second.locator('.approval-refused').waitFor();
    assert.equal(await second.locator('.approval-refused').innerText(), 'The host did not take your answer: it came too late \\u202e');
    assert.ok(await second.getByRole('button', { name: 'Deny' }).isEnabled(), 'a refused answer can be sent again');
    assert.deepEqual(errors, []);
  });

  it('asks for notification permission only when "Notify me" is clicked, and remembers the choice', async () => {
    const asks = (page: Page) => page.evaluate(() => (window as unknown as { __asks: number }).__asks);
    const refused = await openPrompter('No Grant', 1280, false);
    const button = refused.page.locator('.notify-button');
    await button.waitFor();
    assert.equal(await asks(refused.page), 0, 'never asked before the click');
    await button.click();
    await waitFor(async () => (await asks(refused.page)) === 1, { what: 'one permission request at the click' });

    const granted = await openPrompter('Granted');
    await granted.page.getByRole('button', { name: 'Notify me of requests' }).click();
    await granted.page.getByRole('button', { name: 'Notifications on' }).waitFor();
    await granted.page.reload();
    await granted.page.getByRole('button', { name: 'Notifications on' }).waitFor();
    assert.equal(await asks(granted.page), 0, 'a page that has permission does not ask again');
    await granted.page.getByRole('button', { name: 'Notifications on' }).click();
    await granted.page.getByRole('button', { name: 'Notify me of requests' }).waitFor();
    assert.deepEqual([...refused.errors, ...granted.errors], []);
  });
});
