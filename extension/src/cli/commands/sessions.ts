import { listSessions, ClaudeDirError, type SessionSummary } from '../../core/transcripts/catalog';
import { ExitCode, UserError, type Command } from '../command';

// `tandem sessions`: the Claude Code sessions on this machine, newest first.

export const sessionsCommand: Command = {
  name: 'sessions',
  summary: 'list the Claude Code sessions on this machine, newest first',
  usage: 'sessions [--claude-dir DIR] [--project PATH] [--json]',
  help: [
    '--claude-dir DIR  the Claude Code folder (default: $CLAUDE_CONFIG_DIR, else ~/.claude)',
    '--project PATH    only this project: a path (sessions started in it or below), or a folder name under projects/ (--project=-home-me-app)',
    '--json            print JSON ({claudeDir, sessions, diagnostics}) instead of a table',
  ],
  options: {
    'claude-dir': { type: 'string' },
    project: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    let catalog;
    try {
      catalog = await listSessions({ claudeDir: values['claude-dir'] as string | undefined, env: io.env, project: values.project as string | undefined });
    } catch (e) {
      if (e instanceof ClaudeDirError) throw new UserError(e.message, ExitCode.notFound);
      throw e;
    }
    const { claude, sessions, diagnostics } = catalog;
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ claudeDir: claude.dir, sessions, diagnostics }, null, 2)}\n`);
      return ExitCode.ok;
    }
    for (const d of diagnostics) io.stderr.write(`warning: ${d.message}\n`);
    if (sessions.length === 0) {
      io.stderr.write(`No sessions found in ${claude.dir}${values.project ? ` for project ${values.project}` : ''}.\n`);
      return ExitCode.notFound;
    }
    io.stdout.write(formatTable(sessions));
    return ExitCode.ok;
  },
};

const COLUMNS: { title: string; max: number; right?: boolean; cell: (s: SessionSummary) => string }[] = [
  { title: 'ID', max: 36, cell: (s) => s.sessionId },
  { title: 'TITLE', max: 48, cell: (s) => s.title ?? '' },
  { title: 'PROJECT', max: 32, cell: (s) => s.projectFolder },
  { title: 'CWD', max: 40, cell: (s) => s.cwd ?? '' },
  { title: 'LAST ACTIVITY', max: 22, cell: (s) => `${formatTime(s.lastActivity)}${s.live ? ' live' : ''}` },
  { title: 'LINES', max: 9, right: true, cell: (s) => String(s.lines) },
  { title: 'ERRORS', max: 7, right: true, cell: (s) => String(s.errors) },
];

export function formatTable(sessions: readonly SessionSummary[]): string {
  const rows = sessions.map((s) => COLUMNS.map((c) => clip(c.cell(s), c.max)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (COLUMNS[i].right ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS.map((c) => c.title)), ...rows.map(line)].join('\n') + '\n';
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function formatTime(ms: number): string {
  if (!ms) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
