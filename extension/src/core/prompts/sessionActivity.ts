import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { isProcessAlive } from './liveProcess';

// Is someone else writing the session right now? A replay then waits, because two writers fork the
// transcript (docs/claude-cli-offline.md §4f). The rule:
//   1. Claude Code registers every running process in <claudeDir>/sessions/<pid>.json with its
//      sessionId; an entry for this session whose pid is alive (and, on Linux, whose start time
//      matches `procStart`, so a reused pid does not count) means a `claude` has the session open,
//      interactive or not. Stale entries left by a crash are ignored.
//   2. For Claude Code versions without that registry: the transcript changed in the last
//      `quietMs` and the change is not the one our own last run left behind.

const Registration = z.looseObject({
  pid: z.number().int().positive(),
  sessionId: z.string(),
  procStart: z.string().optional(),
  entrypoint: z.string().optional(),
});

/** A transcript's size and mtime, to tell our own last write from someone else's. */
export type FileMark = { size: number; mtimeMs: number };

export type ActivityCheck = {
  claudeDir: string;
  sessionId: string;
  /** the session's transcript, when the host knows it */
  transcriptPath?: string;
  /** the transcript as our own last run left it */
  ownMark?: FileMark;
  /** our own warm Claude Code process, which is registered for the session too */
  ownPid?: number;
  quietMs: number;
  now: number;
};

/** Why the session is busy, in words for the prompter, or undefined when it is free. */
export async function sessionBusyReason(check: ActivityCheck): Promise<string | undefined> {
  const pids = (await liveSessionProcesses(check.claudeDir, check.sessionId)).filter((p) => p.pid !== check.ownPid);
  if (pids.length) {
    const who = pids.map((p) => `pid ${p.pid}${p.entrypoint ? `, ${p.entrypoint}` : ''}`).join('; ');
    return `Claude Code (${who}) has this session open on the host; the prompt runs when it exits`;
  }
  if (check.transcriptPath) {
    const mark = await fileMark(check.transcriptPath);
    const ours = mark && check.ownMark && mark.size === check.ownMark.size && mark.mtimeMs === check.ownMark.mtimeMs;
    if (mark && !ours && check.now - mark.mtimeMs < check.quietMs) {
      return 'the session is being written on the host; the prompt runs when it has been quiet for a moment';
    }
  }
  return undefined;
}

export async function liveSessionProcesses(claudeDir: string, sessionId: string): Promise<{ pid: number; entrypoint?: string }[]> {
  const dir = path.join(claudeDir, 'sessions');
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const found: { pid: number; entrypoint?: string }[] = [];
  for (const name of names.filter((n) => /^\d+\.json$/.test(n))) {
    const entry = await readRegistration(path.join(dir, name));
    if (entry?.sessionId === sessionId && isProcessAlive(entry.pid, entry.procStart)) found.push({ pid: entry.pid, entrypoint: entry.entrypoint });
  }
  return found;
}

async function readRegistration(file: string): Promise<z.infer<typeof Registration> | undefined> {
  try {
    const r = Registration.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
    return r.success ? r.data : undefined;
  } catch {
    // removed while listing (its process ended), or half-written and read again on the next check
    return undefined;
  }
}

export async function fileMark(file: string): Promise<FileMark | undefined> {
  try {
    const s = await fs.stat(file);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return undefined;
  }
}
