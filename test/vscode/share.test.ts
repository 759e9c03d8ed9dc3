import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { parseLink, readLines, readPrompts, readRuns } from '../../protocol/src';
import type { PullResult } from '../../extension/src/core/handoff';
import { joinShare, ShareJoinError } from '../../extension/src/core/sync/joinShare';
import { withoutToken, type TandemApi } from '../../extension/src/vscode/api';
import type { SessionNode } from '../../extension/src/vscode/sessions/sessionsTree';
import { makeClaudeEnv, type ClaudeTestEnv } from '../helpers/claudeEnv';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fakeAnthropic';
import { waitFor } from '../helpers/waitFor';
import { setTandemSetting, tandemApi } from './support';
import { externalLink } from '../../extension/src/vscode/externalLink';
import { click, fill, press, screenshot, uiAvailable, visible } from './ui';

type Links = { observer: string; prompter: string; handoff: string };

// One host's day, in order (each step uses what the previous one made): share a real Claude Code session
// from the Sessions view, open its prompter link in the sidebar, queue a prompt in the viewer, approve it in
// the notification, let the real `claude` CLI (against a fake API on loopback) run it, stop sharing.
describe('sharing a session from VS Code', function () {
  this.timeout(120_000);
  let api: TandemApi;
  let fake: FakeAnthropic;
  let env: ClaudeTestEnv;
  let sessionId: string;
  let links: Links;
  const savedEnv: Record<string, string | undefined> = {};
  const cleanups: (() => void)[] = [];

  before(async () => {
    api = await tandemApi();
    fake = await startFakeAnthropic();
    env = makeClaudeEnv(fake);
    sessionId = await env.createSession(env.project('app'), 'Say hello from Tandem');
    // the prompt runner spawns `claude` with this extension host's environment: point it at the fake API
    for (const [k, v] of Object.entries(env.apiEnv)) {
      savedEnv[k] = process.env[k];
      process.env[k] = v;
    }
    await setTandemSetting('claudeFolder', env.claudeDir);
    await setTandemSetting('claudePath', env.claudePath);
    await setTandemSetting('remotePrompts.policy', 'ask');
  });

  after(async () => {
    for (const c of cleanups.splice(0)) c();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    for (const key of ['claudeFolder', 'claudePath', 'remotePrompts.policy']) await setTandemSetting(key, undefined);
    await fake.close();
    env.dispose();
  });

  const sessionNode = (): SessionNode | undefined => {
    for (const p of api.sessions()) {
      const session = p.sessions.find((s) => s.sessionId === sessionId);
      if (session) return { kind: 'session', session };
    }
    return undefined;
  };

  it('Share starts the embedded relay and yields observer, prompter and handoff links that work', async () => {
    await api.refreshSessions();
    const node = await waitFor(sessionNode, { timeoutMs: 15_000, what: 'the new session in the Sessions view' });
    links = (await vscode.commands.executeCommand<Links>('tandem.shareSession', node))!;
    const relayUrl = api.relayUrl();
    assert.match(relayUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/, 'no relay configured: the embedded one serves the share');
    const roles = Object.fromEntries(Object.entries(links).map(([k, link]) => {
      const parsed = parseLink(link);
      assert.ok(parsed.ok, `${k} link parses`);
      assert.equal(parsed.link.relayUrl, relayUrl);
      return [k, parsed.link.claims.role];
    }));
    assert.deepEqual(roles, { observer: 'observer', prompter: 'prompter', handoff: 'host' });

    if (uiAvailable) {
      await visible('.statusbar-item:has-text("Sharing")');
      // code-server is a remote window: the embedded relay's links go through port forwarding, and the
      // notification says who can open them and offers a relay
      await vscode.commands.executeCommand('notifications.showList');
      await visible('.notifications-center .notification-list-item:has-text("port forwarding") .monaco-button:has-text("Set a Relay")');
      await screenshot('share-loopback-notice');
      await vscode.commands.executeCommand('notifications.hideList');
    }
    const viewer = await joinShare(links.observer);
    try {
      const file = env.transcriptPath(sessionId)!;
      const expected = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
      await waitFor(() => readLines(viewer.docs.transcript).length === expected.length, { timeoutMs: 15_000, what: 'the whole transcript at the observer' });
      assert.deepEqual(readLines(viewer.docs.transcript), expected, 'the observer reads the host file line for line');
    } finally {
      viewer.dispose();
    }
  });

  it('opens the prompter link in the sidebar viewer, which renders the transcript', async () => {
    await vscode.commands.executeCommand('tandem.openSharedSession', links.prompter);
    // room for the viewer in the screenshots: fold the two tree views above it
    for (const view of ['Sessions', 'Shared with me']) await click(`.pane-header[aria-label^="${view}"][aria-expanded="true"]`);
    await waitFor(() => api.viewer.status()?.connection === 'synced', { timeoutMs: 20_000, what: 'the sidebar viewer to sync with the relay' });
    await screenshot('viewer-prompter-link', 'webview:text=Say hello from Tandem');
  });

  it('runs a prompt queued in the viewer after the host approves it in the notification, with the real claude CLI', async function () {
    if (!uiAvailable) this.skip(); // typing into the webview and clicking the notification need the harness
    await fill('webview:.composer textarea', 'Please list the files');
    await press('Control+Enter');
    await waitFor(() => api.pendingApprovals().length === 1, { timeoutMs: 15_000, what: 'the approval question' });
    const pending = api.pendingApprovals()[0];
    assert.equal(pending.text, 'Please list the files');
    await visible('.statusbar-item:has-text("1 waiting")');
    // the smoke-test driver hides toasts; the notification is in the notification centre
    await vscode.commands.executeCommand('notifications.showList');
    await screenshot('approval-notification', '.notifications-center .monaco-button:has-text("Approve")');
    await click('.notifications-center .monaco-button:has-text("Approve")');

    const observer = await joinShare(links.observer);
    try {
      const run = await waitFor(() => [...readRuns(observer.docs.transcript).values()].find((r) => r.state === 'done' || r.state === 'failed'), {
        timeoutMs: 60_000,
        what: 'the run to finish',
      });
      assert.equal(run.state, 'done', run.error);
      assert.equal(run.approvedBy, 'user');
      await waitFor(() => readLines(observer.docs.transcript).some((l) => l.includes('fake reply to: Please list the files')), {
        timeoutMs: 15_000,
        what: "claude's answer in the shared transcript",
      });
    } finally {
      observer.dispose();
    }
    await vscode.commands.executeCommand('notifications.hideList');
    await screenshot('viewer-prompt-done', 'webview:text=fake reply to: Please list the files');
  });

  /** Queues `text` from the sidebar viewer's composer and answers its approval notification with `button`. */
  async function queueAndAnswer(text: string, button: 'Reject' | 'Always Allow This Link'): Promise<void> {
    await fill('webview:.composer textarea', text);
    await press('Control+Enter');
    await waitFor(() => api.pendingApprovals().some((p) => p.text === text), { timeoutMs: 15_000, what: 'the approval question' });
    await vscode.commands.executeCommand('notifications.showList');
    await click(`.notifications-center .notification-list-item:has-text("${text}") .monaco-button:has-text("${button}")`);
    await vscode.commands.executeCommand('notifications.hideList');
  }

  it('a prompt the host rejects in the notification never reaches claude', async function () {
    if (!uiAvailable) this.skip();
    const apiCalls = fake.requests.length;
    await queueAndAnswer('Delete everything', 'Reject');
    const observer = await joinShare(links.observer);
    try {
      const run = await waitFor(() => [...readRuns(observer.docs.transcript).values()].find((r) => r.state === 'rejected'), { timeoutMs: 15_000, what: 'the run to be rejected' });
      assert.match(run.error ?? '', /declined/);
    } finally {
      observer.dispose();
    }
    assert.equal(fake.requests.length, apiCalls, 'claude was not started');
  });

  // The toast hiding after a while is VS Code's; clearing every notification stands in for the wait (the same
  // end state: no toast, nothing in the notification centre), so the test needs no 30 s sleep.
  it('a prompt stays answerable once its notification is gone: the status item opens the pick, the viewer shows a card', async function () {
    if (!uiAvailable) this.skip(); // the status item, the pick and the card are UI
    const text = 'Still waiting after the toast';
    await fill('webview:.composer textarea', text);
    await press('Control+Enter');
    await waitFor(() => api.pendingApprovals().some((p) => p.text === text), { timeoutMs: 15_000, what: 'the approval question' });
    await vscode.commands.executeCommand('notifications.clearAll');
    await visible('webview:.pending-card:has-text("Still waiting after the toast")');
    await screenshot('approval-card-in-viewer', '.activitybar .badge-content:has-text("1")');
    await click('.statusbar-item:has-text("1 waiting")');
    await visible('.quick-input-widget .monaco-list-row:has-text("Always Allow This Link")');
    assert.ok(api.pendingApprovals().some((p) => p.text === text), 'dismissing the notification answered nothing');
    await screenshot('approval-pick-from-status-item');
    await click('.quick-input-widget .monaco-list-row:has-text("Approve")');
    const observer = await joinShare(links.observer);
    try {
      const run = await waitFor(
        () => {
          const prompt = readPrompts(observer.docs.queue).valid.find((p) => p.text === text);
          const r = prompt && readRuns(observer.docs.transcript).get(prompt.id);
          return r && (r.state === 'done' || r.state === 'failed') ? r : undefined;
        },
        { timeoutMs: 60_000, what: 'the approved run to finish' },
      );
      assert.equal(run.state, 'done', run.error);
      assert.equal(run.approvedBy, 'user');
    } finally {
      observer.dispose();
    }
    assert.equal(api.pendingApprovals().length, 0);
  });

  it("follows a policy change at once: with 'never', the next prompt is refused without asking", async function () {
    if (!uiAvailable) this.skip();
    await setTandemSetting('remotePrompts.policy', 'never');
    const observer = await joinShare(links.observer);
    try {
      await fill('webview:.composer textarea', 'Under the never policy');
      await press('Control+Enter');
      const run = await waitFor(
        () => [...readRuns(observer.docs.transcript).values()].find((r) => r.state === 'rejected' && r.approvedBy === undefined && /policy/.test(r.error ?? '')),
        { timeoutMs: 15_000, what: 'the policy to refuse the prompt' },
      );
      assert.match(run.error!, /policy does not run prompts/);
      assert.equal(api.pendingApprovals().length, 0, 'nobody was asked');
    } finally {
      observer.dispose();
      await setTandemSetting('remotePrompts.policy', 'ask');
    }
  });

  it('Always Allow This Link approves this prompt and runs the later ones of the share without asking', async function () {
    if (!uiAvailable) this.skip();
    await queueAndAnswer('First of many', 'Always Allow This Link');
    const observer = await joinShare(links.observer);
    const runOf = (text: string) => {
      const prompt = readPrompts(observer.docs.queue).valid.find((p) => p.text === text);
      return prompt && readRuns(observer.docs.transcript).get(prompt.id);
    };
    try {
      await waitFor(() => runOf('First of many')?.state === 'done', { timeoutMs: 60_000, what: 'the first run to finish' });
      await fill('webview:.composer textarea', 'Second, unasked');
      await press('Control+Enter');
      const second = await waitFor(() => (runOf('Second, unasked')?.state === 'done' ? runOf('Second, unasked') : undefined), { timeoutMs: 60_000, what: 'the second run to finish' });
      assert.equal(second.approvedBy, 'always-allow');
      assert.equal(api.pendingApprovals().length, 0, 'nobody was asked about the second prompt');
    } finally {
      observer.dispose();
    }
  });

  // After Always Allow, so the next prompt runs without a question; and last to run a prompt: the fake API
  // answers 500 to every later turn of a conversation that holds this directive.
  it('tells the host when a prompt it let run fails', async function () {
    if (!uiAvailable) this.skip();
    await fill('webview:.composer textarea', '[[status: 500]]');
    await press('Control+Enter');
    await vscode.commands.executeCommand('notifications.showList');
    await visible('.notifications-center .notification-list-item:has-text("The prompt from prompter")');
    await screenshot('approved-prompt-failed');
    await vscode.commands.executeCommand('notifications.hideList');
  });

  it('Copy Prompter Link puts the link, as this window reaches the relay, on the clipboard', async () => {
    const copied = await vscode.commands.executeCommand<string>('tandem.copyPrompterLink');
    assert.equal(copied, await externalLink(links.prompter));
    const parsed = parseLink(copied!);
    assert.ok(parsed.ok && parsed.link.claims.role === 'prompter');
    console.log(`    (relay as this window's user reaches it: ${parsed.link.relayUrl})`);
    assert.equal((await fetch(`${parsed.link.relayUrl}/healthz`)).status, 200, 'the mapped relay address answers');
    if (uiAvailable) assert.equal(await vscode.env.clipboard.readText(), copied);
  });

  it('opens a link as an editor tab too, titled with the session, its viewer synced', async () => {
    await vscode.commands.executeCommand('tandem.openInEditor', links.observer);
    await waitFor(() => api.viewer.tabs().some((t) => t.link === withoutToken(links.observer) && t.status?.connection === 'synced'), { timeoutMs: 20_000, what: 'the tab viewer to sync' });
    const tab = await waitFor(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('tandem.viewerPanel') && t.label === 'Say hello from Tandem'),
      { timeoutMs: 20_000, what: 'a viewer tab titled with the session' },
    );
    await vscode.window.tabGroups.close(tab);
  });

  it('Continue This Session Here writes the session byte-exact, then types claude --resume into a shell terminal that outlives it', async () => {
    const hostFile = env.transcriptPath(sessionId)!;
    const hereClaude = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-here-'));
    // a stand-in for claude that records how it was started and exits at once, in a folder whose name a
    // careless shell line would run as commands
    const binDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-bin-it's; touch PWNED "));
    const record = path.join(hereClaude, 'claude-ran.txt');
    const fakeClaude = path.join(binDir, 'claude');
    fs.writeFileSync(fakeClaude, `#!/bin/sh\nprintf '%s|%s|%s' "$PWD" "$CLAUDE_CONFIG_DIR" "$*" > '${record}'\n`, { mode: 0o755 });
    cleanups.push(() => fs.rmSync(hereClaude, { recursive: true, force: true }), () => fs.rmSync(binDir, { recursive: true, force: true }));
    await setTandemSetting('claudeFolder', hereClaude);
    await setTandemSetting('claudePath', fakeClaude);
    try {
      const result = (await vscode.commands.executeCommand<PullResult>('tandem.continueHere', links.handoff))!;
      assert.equal(result.outcome, 'created');
      assert.equal(result.sessionId, sessionId);
      assert.ok(result.sessionFile.startsWith(path.join(hereClaude, 'projects') + path.sep), `written under the Claude folder setting: ${result.sessionFile}`);
      assert.deepEqual(fs.readFileSync(result.sessionFile), fs.readFileSync(hostFile), 'the main transcript, byte for byte');
      const terminal = await waitFor(() => vscode.window.terminals.find((t) => t.name === 'Claude Code (Tandem)'), { timeoutMs: 10_000, what: 'the Claude Code terminal' });
      cleanups.push(() => terminal.dispose());
      assert.equal((terminal.creationOptions as vscode.TerminalOptions).shellPath, undefined, 'a shell runs in the terminal, so it stays when claude exits');
      const ran = await waitFor(() => (fs.existsSync(record) ? fs.readFileSync(record, 'utf8') : undefined), { timeoutMs: 20_000, what: 'the shell to run claude' });
      assert.equal(ran, `${result.projectDir}|${hereClaude}|--resume ${sessionId}`);
      assert.deepEqual(fs.readdirSync(binDir), ['claude'], 'nothing in the path ran as a command');
      assert.equal(terminal.exitStatus, undefined, 'claude exited; the terminal and its output are still there');
      if (uiAvailable) await screenshot('continue-here-terminal');
    } finally {
      await setTandemSetting('claudeFolder', env.claudeDir);
      await setTandemSetting('claudePath', env.claudePath);
    }
  });

  it('Continue Here with no claude here says so and opens no terminal', async () => {
    const terminals = vscode.window.terminals.length;
    await setTandemSetting('claudePath', path.join(os.tmpdir(), 'no-such-claude'));
    try {
      assert.equal(await vscode.commands.executeCommand('tandem.continueHere', links.handoff), undefined);
      assert.equal(vscode.window.terminals.length, terminals);
    } finally {
      await setTandemSetting('claudePath', env.claudePath);
    }
  });

  it('a second host of the same session (a terminal) is refused while this window shares it', async () => {
    const lease = JSON.parse(fs.readFileSync(path.join(process.env.TANDEM_HOME!, 'shares', `${sessionId}.host.json`), 'utf8')) as { pid: number; surface: string };
    assert.deepEqual([lease.pid, lease.surface], [process.pid, 'vscode']);
    const cli = path.join(process.env.TANDEM_REPO_ROOT!, 'dist/cli.js');
    const r = spawnSync(process.execPath, [cli, 'share', sessionId, '--relay', new URL(links.observer).origin, '--claude-dir', env.claudeDir], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /already shared from this machine by a VS Code window/);
  });

  it('Stop Sharing revokes every link and deletes the share from the relay: the relay refuses them and the open viewer says so', async () => {
    const rooms = path.join(process.env.TANDEM_HOME!, `relay-${new URL(links.observer).port}`, 'rooms');
    const shareHex = Buffer.from(parseLink(links.observer).ok ? (parseLink(links.observer) as { link: { shareId: string } }).link.shareId : '', 'base64url').toString('hex');
    assert.ok(fs.readdirSync(rooms).some((f) => f.startsWith(shareHex)), 'the share has room files before');
    await vscode.commands.executeCommand('tandem.stopSharing', sessionNode());
    assert.ok(!fs.readdirSync(rooms).some((f) => f.startsWith(shareHex)), 'no room file of the share is left');
    await assert.rejects(joinShare(links.observer, { timeoutMs: 10_000 }), (e: unknown) => e instanceof ShareJoinError && e.kind === 'refused');
    await assert.rejects(joinShare(links.handoff, { timeoutMs: 10_000 }), (e: unknown) => e instanceof ShareJoinError && e.kind === 'refused');
    await waitFor(() => api.viewer.status()?.connection === 'revoked', { timeoutMs: 15_000, what: 'the sidebar viewer to report the revoked link' });
  });

  it('never writes a token to the Tandem log', async () => {
    const logFile = path.join(api.logFolder(), 'Tandem.log');
    const readLog = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
    const log = await waitFor(() => (readLog().includes('stopped sharing') ? readLog() : undefined), {
      timeoutMs: 10_000,
      what: 'the log to record the share and its end',
    });
    for (const [kind, link] of Object.entries(links)) {
      const token = link.split('#t=')[1];
      for (const part of token.split('.')) assert.ok(!log.includes(part), `the ${kind} token (or part of it) is in ${logFile}`);
    }
  });
});
