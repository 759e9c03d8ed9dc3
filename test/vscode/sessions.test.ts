import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { TandemApi } from '../../extension/src/vscode/api';
import { waitFor } from '../helpers/waitFor';
import { corpusDir, setTandemSetting, tandemApi } from './support';
import { screenshot } from './ui';

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
    await setTandemSetting('claudeFolder', claudeDir);
    await waitFor(() => api.sessions().length > 0, { timeoutMs: 15_000, what: 'the sessions to come back' });
  });
});
