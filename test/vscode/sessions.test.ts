import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { TandemApi } from '../../extension/src/vscode/api';
import { waitFor } from '../helpers/waitFor';
import { corpusDir, setTandemSetting, tandemApi } from './support';
import { click, screenshot, uiAvailable, visible } from './ui';

const SESSION_FILE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jsonl$/;

describe('Sessions view', () => {
  let api: TandemApi;
  let claudeDir: string;
  const corpus = path.join(corpusDir, 'bradymholt-dotfiles');

  before(async () => {
    api = await tandemApi();
    claudeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-claude-'));
    fs.cpSync(corpus, claudeDir, { recursive: true, preserveTimestamps: true }); // old files: not live
    await vscode.commands.executeCommand('tandem.sessions.focus');
    await setTandemSetting('claudeFolder', claudeDir);
  });

  after(async () => {
    await setTandemSetting('claudeFolder', undefined);
    fs.rmSync(claudeDir, { recursive: true, force: true });
  });

  it('lists every corpus session under its project folder, and no subagent file as a session', async () => {
    const expected = new Map(
      fs.readdirSync(path.join(corpus, 'projects')).map((folder) => [folder, fs.readdirSync(path.join(corpus, 'projects', folder)).filter((f) => SESSION_FILE.test(f)).map((f) => f.slice(0, -6)).sort()]),
    );
    await waitFor(() => api.sessions().length === expected.size, { timeoutMs: 15_000, what: `the Sessions view to list ${expected.size} projects` });
    for (const project of api.sessions()) {
      const mains = project.sessions.filter((s) => !s.orphan).map((s) => s.sessionId).sort();
      assert.deepEqual(mains, expected.get(project.folder), `sessions of ${project.folder}`);
    }
    const cwds = api.sessions().map((p) => p.cwd);
    assert.ok(cwds.includes('/Users/bholt/dev/evergreen'), `projects are labelled by their cwd: ${cwds.join(', ')}`);
    await screenshot('sessions-tree', '.monaco-list-row[aria-label*="evergreen"]');
  });

  it('marks a session live when Claude Code writes to it', async () => {
    const project = api.sessions().find((p) => p.sessions.some((s) => !s.orphan))!;
    const session = project.sessions.find((s) => !s.orphan && !s.live)!;
    assert.ok(session, 'a quiet session to wake');
    fs.appendFileSync(session.file!, JSON.stringify({ type: 'user', sessionId: session.sessionId, timestamp: new Date().toISOString(), message: { role: 'user', content: 'hi' } }) + '\n');
    await waitFor(() => api.sessions().some((p) => p.sessions.some((s) => s.sessionId === session.sessionId && s.live)), {
      timeoutMs: 15_000,
      what: 'the file watcher to re-list and mark the session live',
    });
  });

  it('explains an empty view when the Claude folder setting points nowhere', async () => {
    const missing = path.join(claudeDir, 'does-not-exist');
    await setTandemSetting('claudeFolder', missing);
    await waitFor(() => api.sessions().length === 0 && api.sessionsMessage(), { timeoutMs: 15_000, what: 'the Sessions view to explain' });
    assert.match(api.sessionsMessage()!, new RegExp(`No Claude Code transcripts found: ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    if (uiAvailable) {
      // a short welcome with a button to the setting, not the long message naming CLI flags
      await visible('.welcome-view-content:has-text("No Claude Code folder here yet")');
      await visible('.welcome-view-content .monaco-button:has-text("Set the Claude Folder")');
      await screenshot('sessions-welcome-no-claude-folder');
    }
    await setTandemSetting('claudeFolder', claudeDir);
    await waitFor(() => api.sessions().length > 0, { timeoutMs: 15_000, what: 'the sessions to come back' });
  });

  it('a click on a session row opens it read-only in the viewer, sharing nothing', async () => {
    const project = api.sessions().find((p) => p.sessions.some((s) => !s.orphan && s.title))!;
    const session = project.sessions.find((s) => !s.orphan && s.title)!;
    assert.equal(api.relayUrl(), undefined, 'no relay runs before the click');
    if (uiAvailable) await click(`.monaco-list-row[aria-label*=${JSON.stringify(session.title!.slice(0, 30))}]`);
    else await vscode.commands.executeCommand('tandem.openSession', { kind: 'session', session });
    await waitFor(() => api.viewer.localSessionId() === session.sessionId, { timeoutMs: 15_000, what: 'the viewer to show the clicked session' });
    await waitFor(() => api.viewer.status()?.connection === 'synced' && api.viewer.status()?.title, { timeoutMs: 20_000, what: 'the viewer page to render the local session' });
    assert.equal(api.viewer.link(), undefined, 'no share link: the session is read from disk');
    assert.equal(api.relayUrl(), undefined, 'opening started no relay');
    await screenshot('viewer-local-session', 'webview:.prompt-text');
  });

  it('labels project groups by their last folder, Windows paths too, and tells same-named groups apart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-labels-'));
    const projects: Record<string, string> = {
      'X--02-JZS-04---PLCFoundation-PLC': 'X:\\02_JZS\\04 - PLCFoundation\\PLC',
      'C--Users-ada-work-app': 'C:\\Users\\ada\\work\\app',
      '-home-ada-play-app': '/home/ada/play/app',
    };
    for (const [folder, cwd] of Object.entries(projects)) {
      const id = randomUUID();
      fs.mkdirSync(path.join(dir, 'projects', folder), { recursive: true });
      const line = { type: 'user', sessionId: id, cwd, timestamp: '2026-01-02T03:04:05.000Z', message: { role: 'user', content: `hello from ${folder}` } };
      fs.writeFileSync(path.join(dir, 'projects', folder, `${id}.jsonl`), JSON.stringify(line) + '\n');
    }
    await setTandemSetting('claudeFolder', dir);
    try {
      await waitFor(() => api.sessions().length === 3, { timeoutMs: 15_000, what: 'the three projects' });
      const labels = Object.fromEntries(api.sessionLabels().map((l) => [l.folder, l.label]));
      assert.deepEqual(labels, { 'X--02-JZS-04---PLCFoundation-PLC': 'PLC', 'C--Users-ada-work-app': 'work/app', '-home-ada-play-app': 'play/app' });
      await screenshot('sessions-windows-paths', '.monaco-list-row[aria-label*="work/app"]');
    } finally {
      await setTandemSetting('claudeFolder', claudeDir);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
