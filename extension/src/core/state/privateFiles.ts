import fs from 'node:fs/promises';
import path from 'node:path';

// Tandem's own files hold transcripts, prompts and keys, so only their user may read them:
// folders 0700 and files 0600, whatever the umask, and folders left readable by an older version
// (or made by another tool) are tightened when Tandem starts. A folder that belongs to another
// user is refused: whoever owns it could read, plant or remove what Tandem puts there.

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
/** Windows has no POSIX modes or uids; there a user's profile folder is already private. */
const posix = process.platform !== 'win32';

export class ForeignFolderError extends Error {}

/** Creates `dir` (and missing parents) as 0700, or makes an existing one 0700; refuses one that is
 *  not a folder of this user's (a link to one is fine: its target is checked). */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
  if (!posix) return;
  const st = await fs.stat(dir);
  if (!st.isDirectory()) throw new ForeignFolderError(`${dir} is not a folder; Tandem keeps its private files in a folder there. Move it aside and try again.`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new ForeignFolderError(`${dir} belongs to another user (uid ${st.uid}), so they could read or plant what Tandem keeps there; Tandem will not use it. Remove it, or set TANDEM_HOME to a folder of your own.`);
  }
  if ((st.mode & 0o777) !== DIR_MODE) await fs.chmod(dir, DIR_MODE);
}

/** Writes `data` to `file` readable by this user only, even when the file existed with a wider mode
 *  (the mode is narrowed before the new bytes go in). */
export async function writePrivateFile(file: string, data: string | Uint8Array): Promise<void> {
  const fh = await openPrivateFile(file, 'w');
  try {
    await fh.writeFile(data);
  } finally {
    await fh.close();
  }
}

/** Opens `file` (created 0600) and narrows an existing file's mode to 0600 before anything is written. */
export async function openPrivateFile(file: string, flags: 'w' | 'a'): Promise<fs.FileHandle> {
  const fh = await fs.open(file, flags, FILE_MODE);
  try {
    if (posix) await fh.chmod(FILE_MODE);
  } catch (e) {
    await fh.close();
    throw e;
  }
  return fh;
}

/** Makes `root` private and narrows every folder under it to 0700 and every file to 0600. Links are
 *  not followed. Returns how many entries had to be narrowed. */
export async function tightenTree(root: string): Promise<number> {
  await ensurePrivateDir(root);
  if (!posix) return 0;
  let narrowed = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (!entry.isDirectory() && !entry.isFile()) continue;
      const want = entry.isDirectory() ? DIR_MODE : FILE_MODE;
      const st = await fs.lstat(p);
      if ((st.mode & 0o777) !== want) {
        await fs.chmod(p, want);
        narrowed++;
      }
      if (entry.isDirectory()) await walk(p);
    }
  };
  await walk(root);
  return narrowed;
}
