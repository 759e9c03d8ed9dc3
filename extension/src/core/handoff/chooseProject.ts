import path from 'node:path';
import type { SessionMeta } from '../../../../protocol/src';
import { normaliseRemote } from './gitRemote';
import { findProjectCandidates, hostBaseName, searchRoots, soleBest, type ProjectCandidate } from './findLocalProject';
import { HandoffError } from './handoffError';

export type ProjectChoice = {
  /** an explicit folder (`--project-dir`, a folder picker): used as is */
  projectDir?: string;
  /** where the search starts, and the home folder whose checkout folders it looks in */
  cwd: string;
  home: string;
  /** asks the person to pick among `candidates` (possibly none); resolves to a folder, or null to give up.
   *  Absent when nobody can be asked (no terminal): then an unclear choice is an error listing the candidates. */
  ask?: (candidates: ProjectCandidate[], about: string) => Promise<string | null>;
};

const MATCH_LABEL = { 'git-remote': 'same git remote', 'same-path': 'same path as the host', name: 'same folder name' } as const;

export function describeCandidate(c: ProjectCandidate): string {
  return `${c.dir} (${MATCH_LABEL[c.match]})`;
}

/** The local folder to continue the session in: the explicit one, else the only best match of the
 *  search, else what the person picks; throws a HandoffError saying what was searched otherwise. */
export async function chooseProjectDir(meta: Pick<SessionMeta, 'cwd' | 'gitRemote'>, choice: ProjectChoice): Promise<string> {
  if (choice.projectDir) return path.resolve(choice.cwd, choice.projectDir);
  const candidates = await findProjectCandidates(meta, choice);
  const best = soleBest(candidates);
  if (best) return best.dir;
  const about = describeSought(meta);
  const picked = choice.ask ? await choice.ask(candidates, about) : null;
  if (picked) return path.resolve(choice.cwd, picked);
  const where = searchRoots(choice.cwd, choice.home).join(', ');
  const found = candidates.length ? ` Several folders could be it:\n${candidates.map((c) => `  ${describeCandidate(c)}`).join('\n')}\n` : ` No folder matched; searched ${where} and their subfolders.`;
  throw new HandoffError(`Which local folder holds ${about}?${found} Pass --project-dir DIR with the folder to continue the session in.`);
}

// the remote is shown normalised: a URL with credentials in it never reaches a message
function describeSought(meta: Pick<SessionMeta, 'cwd' | 'gitRemote'>): string {
  const name = hostBaseName(meta.cwd ?? '');
  const parts = [meta.cwd && `host path ${meta.cwd}`, meta.gitRemote && `git remote ${normaliseRemote(meta.gitRemote)}`].filter(Boolean);
  return `the project${name ? ` "${name}"` : ''}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
