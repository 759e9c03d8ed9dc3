import fs from 'node:fs/promises';
import path from 'node:path';
import { projectsDir } from '../transcripts/claudeDir';

// Where a warm process's conversation ends. Claude Code prints a turn's `result` before it has
// written the turn's last lines to the transcript (seen with 2.1.197: ~150 ms later), and a process
// that stays up keeps the conversation in memory: if someone else continued the session meanwhile,
// its next prompt would fork the transcript. Both questions are answered by the transcript's leaf:
// the uuid of its last user or assistant line.

const TAIL_BYTES = 512 * 1024;

/** The uuid of the last user/assistant line of a transcript, read from its tail. */
export async function leafUuid(file: string): Promise<string | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const { size } = await handle.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    await handle.read(buf, 0, buf.length, start);
    const lines = buf.toString('utf8').split('\n');
    for (let i = lines.length - 1; i >= (start > 0 ? 1 : 0); i--) {
      const uuid = conversationUuid(lines[i]);
      if (uuid) return uuid;
    }
    return undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  } finally {
    await handle?.close();
  }
}

function conversationUuid(line: string): string | undefined {
  if (!line.includes('"uuid"')) return undefined;
  try {
    const v = JSON.parse(line) as { type?: unknown; uuid?: unknown };
    return (v.type === 'assistant' || v.type === 'user') && typeof v.uuid === 'string' ? v.uuid : undefined;
  } catch {
    return undefined;
  }
}

/** The transcript of a session, found by listing the project folders (never computed from a cwd). */
export async function findTranscript(claudeDir: string, sessionId: string): Promise<string | undefined> {
  const root = projectsDir(claudeDir);
  const folders = await fs.readdir(root).catch(() => [] as string[]);
  for (const folder of folders) {
    const file = path.join(root, folder, `${sessionId}.jsonl`);
    if (await fs.stat(file).then(() => true, () => false)) return file;
  }
  return undefined;
}
