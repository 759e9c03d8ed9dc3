import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Writes `bytes` to `target` so that readers see either the old file or the whole new one, never a
 *  part: a temp file in the same folder (created exclusively, so a planted link is never followed),
 *  flushed to disk, then renamed over the target. A full disk or a refused write removes the temp
 *  file and leaves the target as it was. `beforeRename` may veto the swap at the last moment. */
export async function writeFileAtomic(target: string, bytes: Uint8Array, opts: { mode: number; beforeRename?: () => Promise<void> }): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tandem-tmp`);
  const fh = await fs.open(temp, 'wx', opts.mode);
  try {
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await opts.beforeRename?.();
    await fs.rename(temp, target);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
  await syncDir(dir);
}

/** Makes the rename itself durable. Windows cannot open a folder for syncing; NTFS journals renames. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
