import fs from 'node:fs/promises';
import path from 'node:path';
import { ClaudeDirError, listProjectFolders, projectsDir, resolveClaudeDir, type ClaudeDir, type ClaudeDirOptions } from './claudeDir';
import { countDiagnostic, totalDiagnostics, type Diagnostic, type DiagnosticCounts } from './diagnostics';
import { flatAgentParent } from './flatAgent';
import { readHistoryIndex, type HistoryEntry } from './historyIndex';
import { parseObject } from './jsonLine';
import { isSessionId } from './projectPaths';
import { SessionFacts, type TitleSource } from './sessionFacts';
import { scanTranscript, type TranscriptScan } from './transcriptScan';

// The sessions on this machine, for pickers and `tandem sessions`. One streaming pass per transcript
// (see transcriptScan.ts), a few files at a time.
//
// Odd layouts (transcript-format.md §1, §9):
// - a `<sessionId>/subagents/` folder without `<sessionId>.jsonl` is listed as an *orphan* session:
//   no main file (`file` undefined, 0 lines), its subagents counted, cwd/version/time from their
//   lines, title from the first subagent's .meta.json description (or its first prompt);
// - a flat `agent-*.jsonl` is never a session: it counts as a subagent of the session named inside it;
// - a summary-only file is an ordinary session whose title is its summary.

export { ClaudeDirError };

/**
 * A transcript written to within this window is `live`: its file changed that recently and, when its
 * lines carry timestamps, so did its newest line (a copied, pulled or checked-out file is fresh on disk
 * but not live).
 */
export const LIVE_WINDOW_MS = 2 * 60 * 1000;

export type SessionSummary = {
  sessionId: string;
  /** the folder under projects/, as found on disk */
  projectFolder: string;
  /** the main transcript (absolute path); undefined for an orphan */
  file: string | undefined;
  orphan: boolean;
  cwd?: string;
  title?: string;
  titleSource?: TitleSource;
  /** epoch ms of the newest line (or prompt in history.jsonl); the file's mtime when no line has a time */
  lastActivity: number;
  /** epoch ms of the main file's (or, for an orphan, its newest subagent's) last write */
  modifiedAt: number;
  lines: number;
  bytes: number;
  version?: string;
  entrypoint?: string;
  gitBranch?: string;
  subagents: number;
  live: boolean;
  errors: number;
  errorKinds: DiagnosticCounts;
};

export type CatalogOptions = ClaudeDirOptions & {
  /** only this project: a folder name under projects/, or a path (sessions whose cwd is it or inside it) */
  project?: string;
  now?: number;
  liveWindowMs?: number;
};

export type Catalog = { claude: ClaudeDir; sessions: SessionSummary[]; diagnostics: Diagnostic[] };

const CONCURRENCY = 8;

/** Lists sessions, newest first. Throws ClaudeDirError when there is no projects folder. */
export async function listSessions(options: CatalogOptions = {}): Promise<Catalog> {
  const claude = resolveClaudeDir(options);
  const root = projectsDir(claude.dir);
  const allFolders = await listProjectFolders(claude);
  const folders = options.project && allFolders.includes(options.project) ? [options.project] : allFolders;
  const diagnostics: Diagnostic[] = [];
  const history = await readHistoryIndex(claude.dir).catch((e: Error) => {
    diagnostics.push({ kind: 'unreadable', file: path.join(claude.dir, 'history.jsonl'), message: `cannot read history.jsonl: ${e.message}` });
    return new Map<string, HistoryEntry>();
  });
  const ctx = { root, history, now: options.now ?? Date.now(), liveWindowMs: options.liveWindowMs ?? LIVE_WINDOW_MS, diagnostics };
  const perFolder = await mapLimit(folders, CONCURRENCY, (folder) => listFolder(ctx, folder));
  let sessions = perFolder.flat();
  if (options.project && folders.length > 1) sessions = sessions.filter(inProject(options.project));
  sessions.sort((a, b) => b.lastActivity - a.lastActivity || b.modifiedAt - a.modifiedAt);
  return { claude, sessions, diagnostics };
}

/** The latest session: the first of `tandem sessions` that has a main transcript; what `npm start` shares. */
export function newestSession(sessions: readonly SessionSummary[]): SessionSummary | undefined {
  return sessions.find((s) => !s.orphan);
}

export async function latestSession(options: CatalogOptions = {}): Promise<SessionSummary | undefined> {
  return newestSession((await listSessions(options)).sessions);
}

type Context = { root: string; history: Map<string, HistoryEntry>; now: number; liveWindowMs: number; diagnostics: Diagnostic[] };

async function listFolder(ctx: Context, folder: string): Promise<SessionSummary[]> {
  const dir = path.join(ctx.root, folder);
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    ctx.diagnostics.push({ kind: 'unreadable', file: dir, message: `cannot list project folder ${dir}: ${(e as Error).message}` });
    return [];
  }
  const mains = new Set<string>();
  const sessionDirs: string[] = [];
  const flatAgents: string[] = [];
  for (const e of entries) {
    if (e.isFile() && e.name.endsWith('.jsonl') && isSessionId(e.name.slice(0, -6))) mains.add(e.name.slice(0, -6));
    else if (e.isFile() && e.name.startsWith('agent-') && e.name.endsWith('.jsonl')) flatAgents.push(e.name);
    else if (e.isDirectory() && isSessionId(e.name)) sessionDirs.push(e.name);
  }
  const subagentLists = await mapLimit(sessionDirs, CONCURRENCY, (id) => subagentFiles(ctx, path.join(dir, id, 'subagents')));
  const subagents = new Map(sessionDirs.map((id, i) => [id, subagentLists[i]]));
  const flatCounts = new Map<string, number>();
  for (const parent of await mapLimit(flatAgents, CONCURRENCY, (name) => flatAgentParent(path.join(dir, name)).catch(() => undefined))) {
    if (parent) flatCounts.set(parent, (flatCounts.get(parent) ?? 0) + 1);
  }
  const subagentCount = (id: string) => (subagents.get(id)?.length ?? 0) + (flatCounts.get(id) ?? 0);
  const listed = await mapLimit([...mains], CONCURRENCY, (id) => summariseMain(ctx, folder, id, subagentCount(id)));
  const orphans = [...subagents].filter(([id, files]) => !mains.has(id) && files.length > 0);
  const orphanSummaries = await mapLimit(orphans, CONCURRENCY, ([id, files]) => summariseOrphan(ctx, folder, id, files, subagentCount(id)));
  return [...listed, ...orphanSummaries];
}

async function subagentFiles(ctx: Context, dir: string): Promise<string[]> {
  try {
    const names = await fs.readdir(dir);
    return names.filter((n) => n.endsWith('.jsonl')).map((n) => path.join(dir, n));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') ctx.diagnostics.push({ kind: 'unreadable', file: dir, message: `cannot list ${dir}: ${(e as Error).message}` });
    return [];
  }
}

async function summariseMain(ctx: Context, folder: string, sessionId: string, subagents: number): Promise<SessionSummary> {
  const file = path.join(ctx.root, folder, `${sessionId}.jsonl`);
  let scan: TranscriptScan;
  try {
    scan = await scanTranscript(file);
  } catch (e) {
    ctx.diagnostics.push({ kind: 'unreadable', file, message: `cannot read ${file}: ${(e as Error).message}` });
    const errors: DiagnosticCounts = {};
    countDiagnostic(errors, 'unreadable');
    scan = { bytes: 0, mtimeMs: 0, lines: 0, errors, facts: new SessionFacts() };
  }
  const history = ctx.history.get(sessionId);
  const title = scan.facts.title() ?? (history?.firstPrompt ? { title: history.firstPrompt, source: 'history' as const } : undefined);
  return summary(ctx, { sessionId, folder, file, scan, subagents, title, historyTime: history?.lastTimestamp });
}

async function summariseOrphan(ctx: Context, folder: string, sessionId: string, files: string[], subagents: number): Promise<SessionSummary> {
  const scans = await mapLimit(files, CONCURRENCY, (f) =>
    scanTranscript(f).catch((e: Error) => {
      ctx.diagnostics.push({ kind: 'unreadable', file: f, message: `cannot read ${f}: ${e.message}` });
      return undefined;
    }),
  );
  const found = scans.filter((s): s is TranscriptScan => s !== undefined);
  const newest = found.reduce<TranscriptScan | undefined>((a, b) => (!a || b.mtimeMs > a.mtimeMs ? b : a), undefined);
  const errors: DiagnosticCounts = {};
  for (const s of found) for (const [k, n] of Object.entries(s.errors)) errors[k as keyof DiagnosticCounts] = (errors[k as keyof DiagnosticCounts] ?? 0) + (n ?? 0);
  const facts = newest?.facts ?? new SessionFacts();
  const description = await agentDescription(files[0]);
  const prompt = found[0]?.facts.title()?.title;
  const titleText = description ?? prompt;
  const scan: TranscriptScan = { bytes: 0, lines: 0, mtimeMs: newest?.mtimeMs ?? 0, errors, facts };
  const title = titleText ? { title: `subagents only: ${titleText}`, source: 'subagent' as const } : undefined;
  return summary(ctx, { sessionId, folder, file: undefined, scan, subagents, title, historyTime: ctx.history.get(sessionId)?.lastTimestamp });
}

async function agentDescription(agentFile: string): Promise<string | undefined> {
  const meta = await fs.readFile(agentFile.replace(/\.jsonl$/, '.meta.json'), 'utf8').catch(() => '');
  const value = parseObject(meta.trim());
  return typeof value?.description === 'string' && value.description ? value.description : undefined;
}

type Parts = {
  sessionId: string;
  folder: string;
  file: string | undefined;
  scan: TranscriptScan;
  subagents: number;
  title: { title: string; source: TitleSource } | undefined;
  historyTime: number | undefined;
};

function summary(ctx: Context, p: Parts): SessionSummary {
  const { facts } = p.scan;
  const lineTime = Math.max(facts.lastTimestamp ?? 0, p.historyTime ?? 0);
  return {
    sessionId: p.sessionId,
    projectFolder: p.folder,
    file: p.file,
    orphan: p.file === undefined,
    cwd: facts.cwd,
    title: p.title?.title,
    titleSource: p.title?.source,
    lastActivity: lineTime || p.scan.mtimeMs,
    modifiedAt: p.scan.mtimeMs,
    lines: p.scan.lines,
    bytes: p.scan.bytes,
    version: facts.version,
    entrypoint: facts.entrypoint,
    gitBranch: facts.gitBranch,
    subagents: p.subagents,
    live: [p.scan.mtimeMs, lineTime || p.scan.mtimeMs].every((t) => t > 0 && ctx.now - t <= ctx.liveWindowMs),
    errors: totalDiagnostics(p.scan.errors),
    errorKinds: p.scan.errors,
  };
}

function inProject(project: string): (s: SessionSummary) => boolean {
  const norm = (p: string) => (process.platform === 'win32' ? path.resolve(p).toLowerCase() : path.resolve(p));
  const root = norm(project);
  return (s) => s.cwd !== undefined && (norm(s.cwd) === root || norm(s.cwd).startsWith(root.endsWith(path.sep) ? root : root + path.sep));
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
