import { randomUUID } from 'node:crypto';
import { constants, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import type * as Y from 'yjs';
import type { SessionMeta } from '../../../../protocol/src';
import { writeFileAtomic } from './atomicWrite';
import { compareCopies, type CopyRelation } from './compareCopies';
import { confinedPath, ensureDirs, inspectTarget } from './confinedPath';
import { HandoffError } from './handoffError';
import { projectFolderName } from './projectFolder';
import { asNewSession, readSharedSession, type SessionFile } from './sharedSession';

export type PullOptions = {
  /** the local Claude folder: $CLAUDE_CONFIG_DIR, else ~/.claude */
  claudeDir: string;
  /** the local checkout the session continues in; its path picks the project folder */
  projectDir: string;
  /** write the shared version under a fresh session id, leaving any local copy alone */
  asNew?: boolean;
};

export type FileResult = { rel: string; path: string; relation: CopyRelation; written: boolean };

/** `created`: no local copy; `fast-forwarded`: the local copy was behind and now matches;
 *  `up-to-date`: nothing to do; `kept-local`: the local copy is ahead, left as it is;
 *  `diverged`: both have lines the other lacks, nothing written; `no-transcript`: the share has
 *  side files but no main lines yet (only the side files were written). */
export type PullOutcome = 'created' | 'fast-forwarded' | 'up-to-date' | 'kept-local' | 'diverged' | 'no-transcript';

export type PullResult = {
  outcome: PullOutcome;
  /** the id to resume here: the shared one, or the fresh one with `asNew` */
  sessionId: string;
  /** the id in the shared document */
  sourceSessionId: string;
  meta: SessionMeta;
  projectDir: string;
  /** `<claudeDir>/projects/<folder>` */
  projectFolder: string;
  /** `<projectFolder>/<sessionId>.jsonl` */
  sessionFile: string;
  /** every file of the session, side files first */
  files: FileResult[];
  /** side-file keys of the document that were refused, with the reason */
  rejected: { path: string; reason: string }[];
};

type Planned = { file: SessionFile; path: string; relation: CopyRelation; local: Stats | null };

/** Writes the session of a transcript room into the local Claude folder, so `claude --resume <id>`
 *  works in `projectDir`. Local copies are only ever extended, never cut or rewritten: a diverged
 *  copy leaves everything untouched (`outcome: 'diverged'`; pull again with `asNew`). */
export async function materialiseSession(doc: Y.Doc, opts: PullOptions): Promise<PullResult> {
  const shared = readSharedSession(doc);
  const projectDir = await checkProjectDir(opts.projectDir);
  const session = opts.asNew ? asNewSession(shared, randomUUID()) : shared;
  const root = path.resolve(opts.claudeDir);
  const projectFolder = path.join(root, 'projects', await projectFolderName(root, projectDir));
  const plan: Planned[] = [];
  for (const file of session.files) plan.push(await planFile(root, projectFolder, file));
  const diverged = plan.some((p) => p.relation === 'diverged');
  const written = new Set<Planned>();
  if (!diverged) {
    if (plan.some(needsWrite)) await fs.mkdir(root, { recursive: true, mode: 0o700 });
    for (const p of plan.filter(needsWrite)) {
      await writePlanned(root, p);
      written.add(p);
    }
  }
  const main = plan.find((p) => p.file.kind === 'main');
  return {
    outcome: diverged ? 'diverged' : outcomeOf(main?.relation, written.size > 0),
    sessionId: session.sessionId,
    sourceSessionId: shared.sessionId,
    meta: session.meta,
    projectDir,
    projectFolder,
    sessionFile: path.join(projectFolder, `${session.sessionId}.jsonl`),
    files: plan.map((p) => ({ rel: p.file.rel, path: p.path, relation: p.relation, written: written.has(p) })),
    rejected: session.rejected,
  };
}

/** How the local copy of one file stands; nothing is written yet. */
async function planFile(root: string, projectFolder: string, file: SessionFile): Promise<Planned> {
  const target = confinedPath(projectFolder, file.rel);
  try {
    const local = await inspectTarget(root, target);
    if (local && !local.isFile()) throw new HandoffError(`Cannot write ${target}: something other than a file is there. Move it aside and pull again.`);
    return { file, path: target, local, relation: compareCopies(local && (await readNoFollow(target)), file.bytes) };
  } catch (e) {
    if (e instanceof HandoffError) throw e;
    throw new HandoffError(`Cannot read your copy of ${target}: ${(e as Error).message}. Nothing was written; check its permissions and pull again.`);
  }
}

function needsWrite(p: Planned): boolean {
  return p.relation === 'absent' || p.relation === 'behind';
}

function outcomeOf(main: CopyRelation | undefined, wroteAny: boolean): PullOutcome {
  switch (main) {
    case undefined:
      return 'no-transcript';
    case 'absent':
      return 'created';
    case 'behind':
      return 'fast-forwarded';
    case 'ahead':
      return 'kept-local';
    case 'identical':
      return wroteAny ? 'fast-forwarded' : 'up-to-date';
    case 'diverged':
      return 'diverged';
  }
}

/** The physical path: Claude Code names the project folder after its working directory as the
 *  system reports it, with links resolved (checked with 2.1.197 started through a symlink). */
async function checkProjectDir(dir: string): Promise<string> {
  const abs = path.resolve(dir);
  const real = await fs.realpath(abs).catch(() => null);
  const st = real ? await fs.stat(real) : null;
  if (!real || !st?.isDirectory()) throw new HandoffError(`The project folder ${abs} does not exist here. Clone or create the project first, or pass another --project-dir.`);
  return real;
}

async function readNoFollow(file: string): Promise<Buffer> {
  const fh = await fs.open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

async function writePlanned(root: string, p: Planned): Promise<void> {
  await ensureDirs(root, path.dirname(p.path));
  try {
    await writeFileAtomic(p.path, p.file.bytes, { mode: 0o600, beforeRename: () => checkUnchanged(root, p) });
  } catch (e) {
    if (e instanceof HandoffError) throw e;
    throw new HandoffError(`Could not write ${p.path}: ${(e as Error).message}. The file was left as it was (no partial write); fix the cause (disk space, permissions) and pull again.`);
  }
}

/** A `claude` process may be writing the same session here right now: swapping the file under it
 *  would lose its lines, so the swap happens only if the file is as it was when compared. */
async function checkUnchanged(root: string, p: Planned): Promise<void> {
  const now = await inspectTarget(root, p.path);
  const same = p.local ? now !== null && now.size === p.local.size && now.mtimeMs === p.local.mtimeMs && now.ino === p.local.ino : now === null;
  if (!same) throw new HandoffError(`${p.path} changed while Tandem was pulling (is \`claude\` running on this session here?). It was left as it is; close that session and pull again.`);
}
