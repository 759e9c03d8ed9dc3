import { promises as fs } from 'node:fs';
import path from 'node:path';

// Finding the local checkout of a shared session by its git remote. The config is read directly
// rather than by running `git`: the search looks at many folders and must stay cheap and quiet.

/** `git@github.com:Owner/Repo.git`, `https://user@github.com/owner/repo`, `ssh://git@github.com:22/owner/repo.git`
 *  → `github.com/owner/repo`, so the same repository compares equal however it was cloned. */
export function normaliseRemote(url: string): string {
  let s = url.trim().replace(/\/+$/, '').replace(/\.git$/, '');
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(s);
  if (scheme) s = s.slice(scheme[0].length);
  else s = s.replace(/^([^/:]+):(?!\d+\/)/, '$1/'); // scp-like `host:path`
  s = s.replace(/^[^@/]*@/, '').replace(/^([^/:]+):\d+(?=\/)/, '$1');
  return s.toLowerCase();
}

/** The remote URLs of the checkout in `dir` (none if it is not one, or its config is unreadable). */
export async function gitRemotes(dir: string): Promise<string[]> {
  const config = await readConfig(dir);
  if (!config) return [];
  const urls: string[] = [];
  let inRemote = false;
  for (const raw of config.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inRemote = /^\[remote\s+"/.test(line);
    else if (inRemote) {
      const m = /^url\s*=\s*(.+)$/.exec(line);
      if (m) urls.push(m[1].trim());
    }
  }
  return urls;
}

/** `.git` is a folder, or (worktrees, submodules) a file `gitdir: <path>` whose `commondir` holds the config. */
async function readConfig(dir: string): Promise<string | null> {
  const dotGit = path.join(dir, '.git');
  const st = await fs.stat(dotGit).catch(() => null);
  if (!st) return null;
  let gitDir = dotGit;
  if (st.isFile()) {
    const m = /^gitdir:\s*(.+)$/m.exec(await readOrNull(dotGit) ?? '');
    if (!m) return null;
    gitDir = path.resolve(dir, m[1].trim());
    const common = await readOrNull(path.join(gitDir, 'commondir'));
    if (common) gitDir = path.resolve(gitDir, common.trim());
  }
  return readOrNull(path.join(gitDir, 'config'));
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
}
