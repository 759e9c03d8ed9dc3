import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir, writePrivateFile } from '../state/privateFiles';
import { isSessionId } from './sessionId';
import { projectFolderName } from './projectFolder';

// Where this machine works on a session. A transcript's lines carry the cwd of whoever wrote them,
// so after a handoff they name the *other* machine's folder. `tandem pull` remembers the local
// project it chose (under the Tandem folder); a host then replays prompts there. Either candidate
// counts only if Claude Code's folder for it is the one the session lives in.

const PullRecord = z.object({ projectDir: z.string() });

function recordFile(tandemHome: string, sessionId: string): string {
  if (!isSessionId(sessionId)) throw new Error(`"${sessionId}" is not a session id`);
  return path.join(tandemHome, 'pulls', `${sessionId}.json`);
}

export async function rememberProjectDir(tandemHome: string, sessionId: string, projectDir: string): Promise<void> {
  const file = recordFile(tandemHome, sessionId);
  await ensurePrivateDir(path.dirname(file));
  await writePrivateFile(file, JSON.stringify({ projectDir }));
}

export async function localProjectDir(
  tandemHome: string,
  claudeDir: string,
  session: { sessionId: string; projectFolder: string; cwd?: string },
): Promise<string | undefined> {
  const remembered = await fs
    .readFile(recordFile(tandemHome, session.sessionId), 'utf8')
    .then((text) => PullRecord.safeParse(JSON.parse(text)))
    .catch(() => undefined);
  const candidates = [remembered?.success ? remembered.data.projectDir : undefined, session.cwd];
  for (const dir of candidates) {
    if (!dir) continue;
    const real = await fs.realpath(dir).catch(() => undefined);
    if (real && (await projectFolderName(claudeDir, real).catch(() => undefined)) === session.projectFolder) return real;
  }
  return undefined;
}
