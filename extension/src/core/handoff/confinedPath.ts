import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { HandoffError, quoteForMessage } from './handoffError';

// Every path the handoff writes comes from the shared document, so besides the protocol's
// `isSafeSidePath` check each one is resolved, confined to its folder, and walked component by
// component from the Claude folder down: a link anywhere below the Claude folder is refused, so a
// planted symlink can never carry a write out of it. (The Claude folder itself may be a link: users
// keep ~/.claude in their dotfiles.)

/** `rel` (`/`-separated) resolved under `folder`; throws if it would land anywhere else. */
export function confinedPath(folder: string, rel: string): string {
  const target = path.resolve(folder, ...rel.split('/'));
  if (!target.startsWith(folder + path.sep)) {
    throw new HandoffError(`Refusing to write ${quoteForMessage(rel)}: it resolves outside ${folder}. The shared document is malformed; nothing was written for it.`);
  }
  return target;
}

/** The components of `target` below `root`, each as an absolute path, outermost first. */
function componentsBelow(root: string, target: string): string[] {
  const rel = path.relative(root, target);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) throw new HandoffError(`Refusing to write ${target}: it is not inside the Claude folder ${root}.`);
  const parts = rel.split(path.sep);
  return parts.map((_, i) => path.join(root, ...parts.slice(0, i + 1)));
}

async function lstatOrNull(p: string): Promise<Stats | null> {
  try {
    return await fs.lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function refuseLink(p: string): never {
  throw new HandoffError(`Refusing to write through ${p}: it is a symbolic link, and Tandem never follows links inside the Claude folder. Remove the link (or move the real folder there) and pull again.`);
}

/** Lstats every existing component from `root` down to `target`: refuses links, and anything but a
 *  directory above the target. Returns the target's stats, or null when it does not exist yet. */
export async function inspectTarget(root: string, target: string): Promise<Stats | null> {
  const parts = componentsBelow(root, target);
  for (const [i, p] of parts.entries()) {
    const st = await lstatOrNull(p);
    if (!st) return null;
    if (st.isSymbolicLink()) refuseLink(p);
    if (i < parts.length - 1 && !st.isDirectory()) {
      throw new HandoffError(`Cannot write ${target}: ${p} is a file where a folder is expected. Move it aside and pull again.`);
    }
    if (i === parts.length - 1) return st;
  }
  return null;
}

/** Creates the folders from `root` down to `dir` one at a time (mode 0700: transcripts hold
 *  secrets), refusing links on the way. */
export async function ensureDirs(root: string, dir: string): Promise<void> {
  for (const p of componentsBelow(root, dir)) {
    const st = await lstatOrNull(p);
    if (st?.isSymbolicLink()) refuseLink(p);
    if (st?.isDirectory()) continue;
    if (st) throw new HandoffError(`Cannot create the folder ${p}: a file is in the way. Move it aside and pull again.`);
    try {
      await fs.mkdir(p, { mode: 0o700 });
    } catch (e) {
      throw new HandoffError(`Cannot create the folder ${p}: ${(e as Error).message}. Nothing else was written there.`);
    }
  }
}
