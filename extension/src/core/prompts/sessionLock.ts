import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir } from '../state/privateFiles';
import { isProcessAlive, processStartTime } from './liveProcess';

// Never two `claude` runs on one session (they fork its transcript): a lock file per session,
// created exclusively. It serialises runners in one process as well as a VS Code host and a CLI
// host on the same machine. A lock whose owner process is gone is stale and taken over. Locks live
// in a folder of the user's own (0700, owner checked), so no other user can plant one.

const Owner = z.object({ pid: z.number().int(), procStart: z.string().optional(), token: z.string() });

export type SessionLock = { release(): Promise<void> };

export type LockOptions = {
  signal?: AbortSignal;
  pollMs?: number;
  /** called when the lock is held by someone else, with why, for the person waiting; again when that changes */
  onWait?: (why: string) => void;
};

export async function acquireSessionLock(lockDir: string, sessionId: string, opts: LockOptions = {}): Promise<SessionLock> {
  const file = path.join(lockDir, `${sessionId}.lock`);
  const owner = { pid: process.pid, procStart: processStartTime(process.pid), token: crypto.randomUUID() };
  await ensurePrivateDir(lockDir);
  let told: string | undefined;
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      await fs.writeFile(file, JSON.stringify(owner), { flag: 'wx', mode: 0o600 });
      return { release: () => releaseIfOurs(file, owner.token) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readOwner(file);
    const stale = await staleOwner(file, holder);
    if (stale) {
      await takeOver(file, stale.token);
      continue;
    }
    const why = holder === 'gone' ? undefined : holderText(file, holder);
    if (why && why !== told) opts.onWait?.((told = why));
    await pause(opts.pollMs ?? 100, opts.signal);
  }
}

async function readOwner(file: string): Promise<z.infer<typeof Owner> | undefined | 'gone'> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  try {
    const r = Owner.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

function holderText(file: string, owner: z.infer<typeof Owner> | undefined): string {
  return owner
    ? `waiting for another Tandem host on this machine (process ${owner.pid}) to finish its prompt on this session`
    : `waiting for the lock file ${file}, which cannot be read; it is cleared if it stays like that for a few seconds`;
}

/** The lock's owner when that owner is gone; `token` is undefined for an unreadable lock file. */
async function staleOwner(file: string, owner: z.infer<typeof Owner> | undefined | 'gone'): Promise<{ token?: string } | undefined> {
  if (owner === 'gone') return undefined;
  if (owner) return isProcessAlive(owner.pid, owner.procStart) ? undefined : owner;
  // unreadable: being written right now, or garbage; garbage older than a few seconds is stale
  const stat = await fs.stat(file).catch(() => undefined);
  return stat !== undefined && Date.now() - stat.mtimeMs > 5000 ? {} : undefined;
}

/** Removes a stale lock without racing another waiter. Takeovers are serialised by a guard file
 *  created exclusively; under it the lock is read again and removed only if it still names the dead
 *  owner (a live lock only ever changes by being released, or created while absent). A guard left
 *  by a waiter that died mid-takeover is cleared after a few seconds. */
async function takeOver(file: string, staleToken: string | undefined): Promise<void> {
  const guard = `${file}.takeover`;
  try {
    await fs.writeFile(guard, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const st = await fs.stat(guard).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > 5000) await fs.rm(guard, { force: true });
    return;
  }
  try {
    const owner = await readOwner(file);
    const unchanged = owner === undefined ? staleToken === undefined : owner !== 'gone' && owner.token === staleToken;
    if (unchanged) await fs.rm(file, { force: true });
  } finally {
    await fs.rm(guard, { force: true });
  }
}

async function releaseIfOurs(file: string, token: string): Promise<void> {
  const owner = await readOwner(file);
  if (owner && owner !== 'gone' && owner.token === token) await fs.rm(file, { force: true });
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
