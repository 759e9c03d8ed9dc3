import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { linkName, readApprovals, readMeta, readRuns, type PendingApproval, type RunStatus } from '../../protocol/src';
import { joinShare, parseShareLink, type JoinedShare } from '../../extension/src/core/sync/joinShare';
import { withoutToken, type TandemApi } from '../../extension/src/vscode/api';
import type { SessionNode } from '../../extension/src/vscode/sessions/sessionsTree';
import { makeClaudeEnv, type ClaudeTestEnv } from '../helpers/claudeEnv';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import { waitFor } from '../helpers/waitFor';
import { setTandemSetting, tandemApi } from './support';
import { click, fill, hidden, press, screenshot, uiAvailable, visible } from './ui';

type Links = { observer: string; prompter: string; handoff: string };

const SETTINGS: Record<string, unknown> = { 'remotePrompts.policy': 'auto', 'toolApprovals.answerers': 'prompters', 'toolApprovals.timeoutSeconds': 120 };

// Issue 14 §3 in VS Code: a prompt queued from a prompter link to a share this window hosts makes the real
// `claude` (against the fake API) ask to run a Bash command; the window asks its user (notification, status
// bar pick) and the answer goes through core's host seat, as `tandem share`'s terminal question does.
describe('tool requests of remote prompts, answered in VS Code', function () {
  this.timeout(120_000);
  let api: TandemApi;
  let fake: FakeAnthropic;
  let env: ClaudeTestEnv;
  let cwd: string;
  let links: Links;
  let sessionNode: SessionNode;
  let observer: JoinedShare;
  const savedEnv: Record<string, string | undefined> = {};

  before(async function () {
    if (!uiAvailable) this.skip(); // the notification, the pick and the input box need the harness
    api = await tandemApi();
    fake = await startFakeAnthropic();
    env = makeClaudeEnv(fake);
    cwd = env.project('tools');
    const sessionId = await env.createSession(cwd, 'Tool requests from VS Code');
    for (const [k, v] of Object.entries(env.apiEnv)) {
      savedEnv[k] = process.env[k];
      process.env[k] = v;
    }
    await setTandemSetting('claudeFolder', env.claudeDir);
    await setTandemSetting('claudePath', env.claudePath);
    for (const [k, v] of Object.entries(SETTINGS)) await setTandemSetting(k, v);
    await api.refreshSessions();
    const session = await waitFor(() => api.sessions().flatMap((p) => p.sessions).find((s) => s.sessionId === sessionId), { timeoutMs: 15_000, what: 'the session in the Sessions view' });
    sessionNode = { kind: 'session', session };
    links = (await vscode.commands.executeCommand<Links>('tandem.shareSession', sessionNode))!;
    observer = await joinShare(links.observer);
  });

  after(async () => {
    if (!api) return;
    observer?.dispose();
    if (links) await vscode.commands.executeCommand('tandem.stopSharing', sessionNode);
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    for (const key of ['claudeFolder', 'claudePath', ...Object.keys(SETTINGS)]) await setTandemSetting(key, undefined);
    await fake.close();
    env.dispose();
  });

  /** `tandem …` (the built CLI) as a prompter would run it on another machine. */
  function tandem(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const cli = path.join(process.env.TANDEM_REPO_ROOT!, 'dist/cli.js');
    return new Promise((resolve) => {
      execFile(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
    });
  }

  /** Queues a prompt that makes Claude run `command` from the prompter link, and waits for VS Code to ask about it. */
  async function queueUntilAsked(text: string, command: string): Promise<{ request: PendingApproval; promptId: string }> {
    const queued = await tandem('prompt', links.prompter, `${text} [[bash: ${command}]]`);
    assert.equal(queued.code, 0, queued.stderr);
    const asked = await waitFor(() => api.pendingToolRequests().find((r) => r.command === command), { timeoutMs: 60_000, what: 'the tool request in VS Code' });
    const request = await waitFor(() => readApprovals(observer.docs.transcript).get(asked.id), { timeoutMs: 15_000, what: 'the request at the observer' });
    assert.equal(request.state, 'pending');
    return { request, promptId: asked.promptId };
  }

  const finished = (promptId: string): Promise<RunStatus> =>
    waitFor(() => {
      const r = readRuns(observer.docs.transcript).get(promptId);
      return r && (r.state === 'done' || r.state === 'failed') ? r : undefined;
    }, { timeoutMs: 60_000, what: 'the run to finish' });

  it('follows the settings: prompters may answer, the timeout is the one set', async () => {
    assert.equal(readMeta(observer.docs.transcript).toolApprovals, 'prompters');
    const { request } = await queueUntilAsked('make the marker', 'touch marker.txt');
    assert.equal(request.deadline - request.createdAt, 120_000);
    assert.equal(request.answerers, 'prompters');
    const [asked] = api.pendingToolRequests();
    assert.deepEqual([asked.toolName, asked.command, asked.author], ['Bash', 'touch marker.txt', linkName(parseShareLink(links.prompter).claims)]);
  });

  it('Allow from the status bar pick runs the tool, and the run records the host as its approver', async () => {
    const [asked] = api.pendingToolRequests();
    await visible('.statusbar-item:has-text("1 waiting")');
    await click('.statusbar-item:has-text("1 waiting")');
    // one request waits, so the pick goes straight to its answers; the first is Allow
    await visible('.quick-input-widget .monaco-list-row:has-text("Allow for This Session")');
    await screenshot('tool-request-pick');
    await press('Enter');
    const run = await finished(asked.promptId);
    assert.equal(run.state, 'done', run.error);
    assert.ok(fs.existsSync(path.join(cwd, 'marker.txt')), 'the Bash command ran');
    assert.deepEqual(run.toolAnswers, [{ requestId: asked.id, toolName: 'Bash', decision: 'allow', by: 'the host' }]);
    assert.equal(readApprovals(observer.docs.transcript).get(asked.id)?.answeredBy, 'the host');
    await waitFor(() => api.pendingToolRequests().length === 0, { what: 'the request to leave the inbox' });
    await hidden('.statusbar-item:has-text("waiting")');
  });

  it("Show opens the share in the viewer, which draws the request once with the host's buttons; its Deny tells Claude the message typed, and the tool never runs", async () => {
    const { request, promptId } = await queueUntilAsked('try', 'touch denied.txt');
    await vscode.commands.executeCommand('notifications.showList');
    const item = '.notifications-center .notification-list-item:has-text("touch denied.txt")';
    await visible(`${item} .monaco-button:has-text("Deny")`);
    await screenshot('tool-request-notification');
    await click(`${item} .monaco-button:has-text("Show")`);
    await vscode.commands.executeCommand('notifications.hideList');
    await waitFor(() => api.viewer.link() === withoutToken(links.observer) && api.viewer.status()?.connection === 'synced', { timeoutMs: 20_000, what: 'the share in the sidebar viewer' });
    // The viewer reads the share through an observer link: the buttons are there because the request is
    // this host's own. The copy in its prompt's queue row: the sidebar is short, so the transcript's copy
    // at the tool call is out of view.
    const card = `webview:.approvals-queue .approval-card[data-request-id="${request.id}"]`;
    await screenshot('tool-request-card', `${card} button:has-text("Allow for this session")`);
    await hidden('webview:.pending-card');
    await fill(`${card} input.approval-message`, 'not in this folder');
    await click(`${card} button:has-text("Deny")`);
    const run = await finished(promptId);
    assert.ok(!fs.existsSync(path.join(cwd, 'denied.txt')), 'the tool did not run');
    const settled = readApprovals(observer.docs.transcript).get(request.id)!;
    assert.deepEqual([settled.state, settled.answeredBy, settled.message], ['denied', 'the host', 'not in this folder']);
    assert.match(run.resultText ?? '', /not in this folder/, 'Claude got the message as the tool result');
    await hidden(card);
  });

  it("a prompter link's answer withdraws the request from VS Code; its stale notification says so", async () => {
    const { request, promptId } = await queueUntilAsked('and', 'touch third.txt');
    await visible('.statusbar-item:has-text("1 waiting")');
    const approved = await tandem('approve', links.prompter, request.id, 'allow');
    assert.equal(approved.code, 0, approved.stderr);
    await waitFor(() => api.pendingToolRequests().length === 0, { timeoutMs: 15_000, what: 'the request to leave VS Code' });
    await hidden('.statusbar-item:has-text("waiting")');
    const run = await finished(promptId);
    assert.equal(run.toolAnswers?.[0].by, linkName(parseShareLink(links.prompter).claims));
    assert.ok(fs.existsSync(path.join(cwd, 'third.txt')));

    await vscode.commands.executeCommand('notifications.showList');
    await click('.notifications-center .notification-list-item:has-text("touch third.txt") .monaco-button:has-text("Deny")');
    // the list is drawn lazily and keeps its scroll position: open it afresh, from the newest
    await vscode.commands.executeCommand('notifications.hideList');
    await vscode.commands.executeCommand('notifications.showList');
    await visible('.notifications-center .notification-list-item:has-text("no longer waiting")');
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal(readApprovals(observer.docs.transcript).get(request.id)?.state, 'allowed', 'the stale button answered nothing');
  });
});
