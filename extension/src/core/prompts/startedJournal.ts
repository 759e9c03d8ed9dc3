import fs from 'node:fs/promises';
import path from 'node:path';
import { PromptId } from '../../../../protocol/src';
import { ensurePrivateDir, openPrivateFile } from '../state/privateFiles';

// A prompt runs at most once. Its `running` status lives in the shared document, but a host that
// crashes right after starting `claude` may never have sent that status to the relay. So the id is
// also written to a local file, flushed to disk, before `claude` starts: on restart, every id in
// the file that has no final status is marked interrupted, never run again.

export async function readStarted(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw e;
  }
  return new Set(text.split('\n').filter((line) => PromptId.safeParse(line).success));
}

export async function noteStarted(file: string, promptId: string): Promise<void> {
  await ensurePrivateDir(path.dirname(file));
  const handle = await openPrivateFile(file, 'a');
  try {
    await handle.write(`${promptId}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
