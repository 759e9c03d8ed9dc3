import assert from 'node:assert/strict';
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
    assert.match(header, /^ID\s+TITLE\s+PROJECT\s+CWD\s+LAST ACTIVITY\s+LINES\s+ERRORS$/);
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
