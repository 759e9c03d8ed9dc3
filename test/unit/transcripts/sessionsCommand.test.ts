import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { textWidth } from '../../../extension/src/cli/textWidth';
import { ShareStore } from '../../../extension/src/core/sync/shareStore';
import { latestSession } from '../../../extension/src/core/transcripts/catalog';
import type { SessionSummary } from '../../../extension/src/core/transcripts/catalog';
import { runCliCaptured } from '../../helpers/cli';
import { corpusSource } from './fixtures';

// `tandem sessions`, run in-process through the real command table.

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => runCliCaptured(argv, { env });

describe('cli: tandem sessions', () => {
  it('prints the catalog as JSON with --json', async () => {
    const claudeDir = corpusSource('4thehalibit-omarchy-backup');
    const r = await run(['sessions', '--claude-dir', claudeDir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as { claudeDir: string; sessions: SessionSummary[]; diagnostics: unknown[] };
    assert.equal(parsed.claudeDir, claudeDir);
    assert.equal(parsed.sessions.length, 6);
    const s = parsed.sessions.find((x) => x.sessionId === '8c880a68-969b-4b92-8733-a4927179d072')!;
    assert.deepEqual([s.title, s.cwd, s.lines, s.subagents, s.errors], ['why are you not keeping my history', '/home/vwestberg/Claude', 38, 1, 0]);
  });

  it('reads CLAUDE_CONFIG_DIR and filters with --project', async () => {
    const r = await run(['sessions', '--project=-Users-bholt-dev-scratch-ynab-recurring-charges-finder', '--json'], { CLAUDE_CONFIG_DIR: corpusSource('bradymholt-dotfiles') });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { sessions: SessionSummary[] }).sessions.map((s) => s.sessionId),
      ['63b159ef-a6e5-4d4d-b078-bc1e65f38e74'],
    );
  });

  it('prints a table with id, title, project, cwd, last activity, lines and errors', async () => {
    const r = await run(['sessions', '--claude-dir', corpusSource('dphaener-dotfiles')]);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    assert.match(header, /^ID\s+TITLE\s+PROJECT\s+CWD\s+LAST ACTIVITY\s+LINES\s+ERRORS\s+SHARED$/);
    assert.equal(rows.length, 2);
    assert.match(rows.join('\n'), /afc4f5a3-4d18-458f-95cc-1e92dbbded5b\s+There was an error during the homebrew step.*-Users-darinhaener-dotfiles\s+\/Users\/darinhaener\/dotfiles\s+2025-07-2\d \d\d:\d\d\s+76\s+0/);
  });

  it('says where it looked when the Claude folder does not exist', async () => {
    const r = await run(['sessions', '--claude-dir', '/nonexistent/claude']);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /tandem sessions: No Claude Code transcripts found: \/nonexistent\/claude\/projects does not exist\. Looked in \/nonexistent\/claude \(given explicitly\)/);
    assert.equal(r.stdout, '');
  });
});

describe('cli: tandem sessions fits the terminal and shows what is shared', () => {
  let root: string;
  let claudeDir: string;
  const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-sessions-'));
    claudeDir = path.join(root, 'claude');
    const dir = path.join(claudeDir, 'projects', '-home-me-a-rather-long-project-folder-name');
    fs.mkdirSync(dir, { recursive: true });
    const titles = ['漢字のタイトルはとても長いのでここで切られるはずです、そうでしょう', 'an English title that is also much longer than fits'];
    ids.forEach((id, i) => {
      const line = { type: 'user', sessionId: id, cwd: '/home/me/a/rather/long/project/folder/name', timestamp: new Date(Date.now() - i * 60_000).toISOString(), message: { role: 'user', content: titles[i] } };
      fs.writeFileSync(path.join(dir, `${id}.jsonl`), `${JSON.stringify(line)}\n`);
    });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('cuts titles to COLUMNS, counting wide CJK characters as two columns', async () => {
    for (const columns of [80, 100, 60]) {
      const r = await run(['sessions', '--claude-dir', claudeDir], { COLUMNS: String(columns), TANDEM_HOME: path.join(root, 'tandem') });
      assert.equal(r.code, 0, r.stderr);
      for (const line of r.stdout.trimEnd().split('\n')) assert.ok(textWidth(line) <= columns, `${textWidth(line)} > ${columns}: ${line}`);
      assert.match(r.stdout, /漢字[^\n]*…/);
    }
    assert.equal(textWidth('漢字ab'), 6);
    assert.equal(textWidth('e\u0301'), 1);
  });

  it('marks the sessions shared from this machine, in the table and in JSON', async () => {
    const home = path.join(root, 'tandem');
    await new ShareStore({ home, linkTtlSeconds: 3600 }).prepare(ids[1], 'http://127.0.0.1:1').then((p) => p.commit());
    const table = await run(['sessions', '--claude-dir', claudeDir], { TANDEM_HOME: home });
    assert.match(table.stdout, /SHARED/);
    assert.match(table.stdout.split('\n').find((l) => l.startsWith(ids[1]))!, /paused$/);
    const json = JSON.parse((await run(['sessions', '--claude-dir', claudeDir, '--json'], { TANDEM_HOME: home })).stdout) as { sessions: Array<{ sessionId: string; shared: string | null }> };
    assert.deepEqual(json.sessions.map((s) => s.shared), [null, 'links']);
  });

  it('prints JSON under --json when there is no Claude folder', async () => {
    const r = await run(['sessions', '--claude-dir', path.join(root, 'none'), '--json']);
    assert.equal(r.code, 5);
    const parsed = JSON.parse(r.stdout) as { sessions: unknown[]; error: string };
    assert.deepEqual(parsed.sessions, []);
    assert.match(parsed.error, /does not exist/);
  });

  it('"latest" is the first session `tandem sessions` lists', async () => {
    const first = ids[0];
    fs.utimesSync(path.join(claudeDir, 'projects', '-home-me-a-rather-long-project-folder-name', `${ids[1]}.jsonl`), new Date(), new Date(Date.now() + 60_000));
    const json = JSON.parse((await run(['sessions', '--claude-dir', claudeDir, '--json'])).stdout) as { sessions: Array<{ sessionId: string }> };
    assert.equal(json.sessions[0].sessionId, first);
    assert.equal((await latestSession({ claudeDir }))?.sessionId, first);
  });
});
