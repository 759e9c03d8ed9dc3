import { visibleText } from '../../../../protocol/src';
import { listHostStatuses } from '../../core/sync/hostLease';
import { ShareStore, tandemHome } from '../../core/sync/shareStore';
import { listSessions, ClaudeDirError, type SessionSummary } from '../../core/transcripts/catalog';
import { ExitCode, UserError, type Command } from '../command';
import { clipToWidth, padToWidth, textWidth } from '../textWidth';

// `tandem sessions`: the Claude Code sessions on this machine, newest first (the first one is what
// `tandem share --latest` and `npm start` share), cut to the terminal's width, with what is shared.

type Shared = 'hosted' | 'links';

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
      if (!(e instanceof ClaudeDirError)) throw e;
      if (values.json) io.stdout.write(`${JSON.stringify({ claudeDir: null, sessions: [], diagnostics: [], error: e.message }, null, 2)}\n`);
      throw new UserError(e.message, ExitCode.notFound);
    }
    const { claude, diagnostics } = catalog;
    const shared = await sharedSessions(tandemHome(io.env));
    const sessions = catalog.sessions.map((s) => ({ ...s, shared: shared.get(s.sessionId) ?? null }));
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ claudeDir: claude.dir, sessions, diagnostics }, null, 2)}\n`);
      return ExitCode.ok;
    }
    for (const d of diagnostics) io.stderr.write(`warning: ${visibleText(d.message, { singleLine: true })}\n`);
    if (sessions.length === 0) {
      io.stderr.write(`No sessions found in ${claude.dir}${values.project ? ` for project ${values.project}` : ''}.\n`);
      return ExitCode.notFound;
    }
    io.stdout.write(formatTable(sessions, terminalWidth(io)));
    return ExitCode.ok;
  },
};

/** Sessions shared from this machine: `hosted` while a host runs, `links` when only its links are kept. */
async function sharedSessions(home: string): Promise<Map<string, Shared>> {
  const out = new Map<string, Shared>();
  for (const r of await new ShareStore({ home, linkTtlSeconds: 0 }).list()) out.set(r.sessionId, 'links');
  for (const h of await listHostStatuses(home)) if (h.running) out.set(h.status.sessionId, 'hosted');
  return out;
}

function terminalWidth(io: { stdout: NodeJS.WritableStream; env: NodeJS.ProcessEnv }): number {
  const columns = (io.stdout as NodeJS.WriteStream).isTTY ? (io.stdout as NodeJS.WriteStream).columns : Number(io.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : Infinity;
}

type Row = SessionSummary & { shared: Shared | null };

/** `min`: the narrowest a column is cut to before the next one gives way; `shrink`: which give way, first first. */
const COLUMNS: { title: string; max: number; min: number; right?: boolean; cell: (s: Row) => string }[] = [
  { title: 'ID', max: 36, min: 8, cell: (s) => s.sessionId },
  { title: 'TITLE', max: 48, min: 12, cell: (s) => s.title ?? '' },
  { title: 'PROJECT', max: 32, min: 0, cell: (s) => s.projectFolder },
  { title: 'CWD', max: 40, min: 0, cell: (s) => s.cwd ?? '' },
  { title: 'LAST ACTIVITY', max: 22, min: 16, cell: (s) => `${formatTime(s.lastActivity)}${s.live ? ' live' : ''}` },
  { title: 'LINES', max: 9, min: 5, right: true, cell: (s) => String(s.lines) },
  { title: 'ERRORS', max: 7, min: 0, right: true, cell: (s) => String(s.errors) },
  { title: 'SHARED', max: 6, min: 6, cell: (s) => (s.shared === 'hosted' ? 'yes' : s.shared === 'links' ? 'paused' : '') },
];
const SHRINK_ORDER = ['CWD', 'PROJECT', 'TITLE', 'ERRORS', 'ID'];

export function formatTable(sessions: readonly Row[], width = Infinity): string {
  // titles and folders come from files a prompter's runs may have written: shown escaped, one line each
  const full = sessions.map((s) => COLUMNS.map((c) => visibleText(c.cell(s), { singleLine: true })));
  const widths = COLUMNS.map((c, i) => Math.min(c.max, Math.max(textWidth(c.title), ...full.map((r) => textWidth(r[i])))));
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.filter((w) => w > 0).length - 1);
  for (const title of SHRINK_ORDER) {
    const i = COLUMNS.findIndex((c) => c.title === title);
    if (total() > width) widths[i] = Math.max(COLUMNS[i].min, widths[i] - (total() - width));
  }
  const shown = COLUMNS.map((_, i) => i).filter((i) => widths[i] > 0);
  const line = (cells: string[]) =>
    shown
      .map((i) => padToWidth(clipToWidth(cells[i], widths[i]), widths[i], COLUMNS[i].right))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS.map((c) => c.title)), ...full.map(line)].join('\n') + '\n';
}

function formatTime(ms: number): string {
  if (!ms) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
