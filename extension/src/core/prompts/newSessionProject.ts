import fs from 'node:fs/promises';
import path from 'node:path';

// Where a prompter may start a new session: only in a project the host listed. The requested path
// is compared with the list before the file system is touched, so an unlisted path is refused the
// same way whether it exists or not (the answer tells a prompter nothing about the host's disk).

export type ProjectCheck = { ok: true; cwd: string } | { ok: false; state: 'rejected' | 'failed'; reason: string };

export async function checkNewSessionProject(project: string | undefined, allowed: readonly string[]): Promise<ProjectCheck> {
  if (!allowed.length) return { ok: false, state: 'rejected', reason: 'The host does not allow prompters to start new sessions.' };
  if (!project || !path.isAbsolute(project)) {
    return { ok: false, state: 'rejected', reason: `A new session needs an absolute project path; the host allows: ${allowed.join(', ')}.` };
  }
  const wanted = path.resolve(project);
  const listed = new Set<string>();
  for (const dir of allowed) {
    listed.add(path.resolve(dir));
    const real = await fs.realpath(dir).catch(() => undefined);
    if (real) listed.add(real);
  }
  if (!listed.has(wanted)) {
    return { ok: false, state: 'rejected', reason: `The host does not allow new sessions in ${wanted}; it allows: ${allowed.join(', ')}.` };
  }
  try {
    const cwd = await fs.realpath(wanted);
    if (!(await fs.stat(cwd)).isDirectory()) return { ok: false, state: 'failed', reason: `The project ${wanted} on the host is not a folder.` };
    return { ok: true, cwd };
  } catch (e) {
    return { ok: false, state: 'failed', reason: `The project folder ${wanted} is missing on the host (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).` };
  }
}
