import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SessionMeta } from '../../../../protocol/src';
import { gitRemotes, normaliseRemote } from './gitRemote';

// Where is the shared session's project on this machine? The search is bounded and predictable:
// the current folder, its parent, and the usual checkout folders under the home folder, each with
// its direct subfolders (never deeper, at most MAX_ENTRIES each). A folder matches by git remote
// (strongest), by being the host's own path (same layout on both machines), or by name.
const CHECKOUT_FOLDERS = ['src', 'code', 'projects', 'dev', 'work', 'repos', 'git', 'workspace', 'Documents'];
const MAX_ENTRIES = 2000;

export type ProjectMatch = 'git-remote' | 'same-path' | 'name';
export type ProjectCandidate = { dir: string; match: ProjectMatch };
const RANK: Record<ProjectMatch, number> = { 'git-remote': 0, 'same-path': 1, name: 2 };

/** The folders searched, in order. */
export function searchRoots(cwd: string, home: string): string[] {
  return [...new Set([cwd, path.dirname(cwd), ...CHECKOUT_FOLDERS.map((f) => path.join(home, f)), home].map((p) => path.resolve(p)))];
}

/** The last component of the host's project path, whatever its OS (`C:\work\app` → `app`). */
export function hostBaseName(cwd: string): string {
  return cwd.split(/[\\/]+/).filter(Boolean).pop() ?? '';
}

/** Local folders that may hold the session's project, best first. */
export async function findProjectCandidates(meta: Pick<SessionMeta, 'cwd' | 'gitRemote'>, where: { cwd: string; home: string }): Promise<ProjectCandidate[]> {
  const name = hostBaseName(meta.cwd ?? '').toLowerCase();
  const remote = meta.gitRemote ? normaliseRemote(meta.gitRemote) : null;
  const hostPath = meta.cwd && path.isAbsolute(meta.cwd) ? await realDir(meta.cwd) : null;
  if (!name && !remote) return [];
  const seen = new Set<string>();
  const found: ProjectCandidate[] = [];
  for (const dir of [...(hostPath ? [hostPath] : []), ...(await foldersToCheck(searchRoots(where.cwd, where.home)))]) {
    const real = await realDir(dir);
    if (!real || seen.has(real)) continue;
    seen.add(real);
    const match = await matchOf(real, { name, remote, hostPath });
    if (match) found.push({ dir: real, match });
  }
  return found.sort((a, b) => RANK[a.match] - RANK[b.match]);
}

/** The candidate to use without asking: the only one of the best kind, if there is exactly one. */
export function soleBest(candidates: ProjectCandidate[]): ProjectCandidate | null {
  const best = candidates.filter((c) => c.match === candidates[0]?.match);
  return best.length === 1 ? best[0] : null;
}

async function matchOf(dir: string, want: { name: string; remote: string | null; hostPath: string | null }): Promise<ProjectMatch | null> {
  if (want.remote && (await gitRemotes(dir)).some((u) => normaliseRemote(u) === want.remote)) return 'git-remote';
  if (dir === want.hostPath) return 'same-path';
  return want.name && path.basename(dir).toLowerCase() === want.name ? 'name' : null;
}

async function foldersToCheck(roots: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const root of roots) {
    const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
    out.push(root);
    for (const e of entries.slice(0, MAX_ENTRIES)) if (e.isDirectory() && !e.name.startsWith('.')) out.push(path.join(root, e.name));
  }
  return out;
}

async function realDir(p: string): Promise<string | null> {
  const real = await fs.realpath(p).catch(() => null);
  const st = real ? await fs.stat(real).catch(() => null) : null;
  return st?.isDirectory() ? real : null;
}
