import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../handoff/atomicWrite';
import { isProcessAlive, processStartTime } from '../prompts/liveProcess';

// One host per share on this machine: the process hosting a session holds <home>/shares/<session>.host.json
// (created exclusively), so a second terminal or VS Code window is refused instead of taking hosting
// over. The file also says what `tandem shares` shows: who hosts, since when, the links' expiry and
// who is watching now (rewritten when viewers change). A holder that died leaves a stale file the
// next host takes over (pid and start time no longer match a live process).

const Viewer = z.object({ name: z.string().max(200), role: z.string().max(20), client: z.string().max(20) });

export const HostStatus = z.object({
  v: z.literal(1),
  pid: z.number().int().positive(),
  procStart: z.string().optional(),
  surface: z.enum(['cli', 'vscode']),
  sessionId: z.string(),
  shareId: z.string(),
  relayUrl: z.string(),
  title: z.string().optional(),
  startedAt: z.number(),
  /** expiry (seconds since the epoch) of each link handed out */
  links: z.record(z.string(), z.number()),
  viewers: z.array(Viewer),
});
export type HostStatus = z.infer<typeof HostStatus>;

export class HostLeaseTaken extends Error {
  constructor(readonly holder: HostStatus) {
    super(`session ${holder.sessionId} is already shared from this machine by ${holder.surface === 'vscode' ? 'a VS Code window' : '`tandem share`'} (pid ${holder.pid})`);
  }
}

/** how often a lease taker waiting for a live holder looks again */
const HOLDER_POLL_MS = 200;

const leaseFile = (home: string, sessionId: string) => path.join(home, 'shares', `${sessionId}.host.json`);

/** The host status of a session and whether its holder still runs. */
export async function readHostStatus(home: string, sessionId: string): Promise<{ status: HostStatus; running: boolean } | undefined> {
  const text = await fs.readFile(leaseFile(home, sessionId), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let parsed;
  try {
    parsed = HostStatus.safeParse(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (!parsed.success) return undefined;
  return { status: parsed.data, running: isProcessAlive(parsed.data.pid, parsed.data.procStart) };
}

/** Sessions with a host status file. */
export async function listHostStatuses(home: string): Promise<Array<{ status: HostStatus; running: boolean }>> {
  const names = await fs.readdir(path.join(home, 'shares')).catch(() => [] as string[]);
  const ids = names.map((n) => /^([A-Za-z0-9-]{1,100})\.host\.json$/.exec(n)?.[1]).filter((id): id is string => id !== undefined);
  const all = await Promise.all(ids.map((id) => readHostStatus(home, id)));
  return all.filter((s): s is { status: HostStatus; running: boolean } => s !== undefined);
}

export class HostLease {
  private constructor(
    private readonly file: string,
    private status: HostStatus,
  ) {}

  /**
   * Takes the session's lease. A live holder refuses it (HostLeaseTaken), unless it goes away within
   * `waitForHolderMs`: a window that reloads shares again while its previous extension host is still exiting.
   */
  static async acquire(home: string, status: Omit<HostStatus, 'v' | 'pid' | 'procStart' | 'startedAt' | 'viewers'>, waitForHolderMs = 0): Promise<HostLease> {
    const file = leaseFile(home, status.sessionId);
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const full: HostStatus = { v: 1, pid: process.pid, procStart: processStartTime(process.pid), startedAt: Date.now(), viewers: [], ...status };
    const deadline = Date.now() + waitForHolderMs;
    for (let staleRemoved = 0; staleRemoved < 2; ) {
      try {
        await fs.writeFile(file, JSON.stringify(full), { flag: 'wx', mode: 0o600 });
        return new HostLease(file, full);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = await readHostStatus(home, status.sessionId);
      if (holder?.running) {
        if (Date.now() >= deadline) throw new HostLeaseTaken(holder.status);
        await new Promise((resolve) => setTimeout(resolve, HOLDER_POLL_MS));
        continue;
      }
      await fs.rm(file, { force: true });
      staleRemoved++;
    }
    throw new Error(`could not take ${file}: another host of this session started at the same moment and keeps taking it; stop the other \`tandem share\` (see \`tandem shares\`) and try again`);
  }

  async setViewers(viewers: HostStatus['viewers']): Promise<void> {
    this.status = { ...this.status, viewers: viewers.slice(0, 100).map((v) => ({ name: v.name.slice(0, 200), role: v.role.slice(0, 20), client: v.client.slice(0, 20) })) };
    await writeFileAtomic(this.file, Buffer.from(JSON.stringify(this.status)), { mode: 0o600 });
  }

  /** Lets go of hosting (only if the file is still this process's). Idempotent. */
  async release(): Promise<void> {
    const text = await fs.readFile(this.file, 'utf8').catch(() => '');
    if (text.includes(`"pid":${this.status.pid},`)) await fs.rm(this.file, { force: true });
  }
}
