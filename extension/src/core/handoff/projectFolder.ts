import { promises as fs } from 'node:fs';
import path from 'node:path';
import { HandoffError } from './handoffError';

// Claude Code keeps a project's sessions in `<claudeDir>/projects/<name>`, where `name` is the
// project path with every character outside [A-Za-z0-9] replaced by '-'. Past 200 characters it
// appends a hash whose algorithm differs between builds (Bun.hash in native builds, djb2 otherwise)
// and changed in 2.1.224, so for long paths the folder is looked up among the existing ones instead
// (transcript-format.md §2).
const MAX_NAME = 200;
const HEAD_BYTES = 64 * 1024;

export function sanitizeProjectPath(projectPath: string): string {
  return projectPath.replace(/[^a-zA-Z0-9]/g, '-');
}

/** The folder name Claude Code uses (or will use) for `projectDir` under `<claudeDir>/projects`. */
export async function projectFolderName(claudeDir: string, projectDir: string): Promise<string> {
  const name = sanitizeProjectPath(projectDir);
  if (name.length <= MAX_NAME) return name;
  const found = await findLongPathFolder(path.join(claudeDir, 'projects'), name.slice(0, MAX_NAME), projectDir);
  if (found) return found;
  throw new HandoffError(
    `The project path ${projectDir} is longer than ${MAX_NAME} characters, and Claude Code names such folders with a hash Tandem cannot reproduce. ` +
      `Run \`claude\` once in that folder so Claude Code creates its project folder, then pull again; or pull into a shorter --project-dir.`,
  );
}

async function findLongPathFolder(projectsDir: string, prefix: string, projectDir: string): Promise<string | null> {
  let names: string[];
  try {
    names = await fs.readdir(projectsDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  for (const name of names.filter((n) => n.startsWith(`${prefix}-`))) {
    if (await folderHasCwd(path.join(projectsDir, name), projectDir)) return name;
  }
  return null;
}

/** Whether a session in `folder` started in `cwd`: the first `cwd` of each transcript decides. */
async function folderHasCwd(folder: string, cwd: string): Promise<boolean> {
  const entries = await fs.readdir(folder, { withFileTypes: true });
  for (const e of entries.filter((x) => x.isFile() && x.name.endsWith('.jsonl'))) {
    if ((await firstCwd(path.join(folder, e.name))) === cwd) return true;
  }
  return false;
}

async function firstCwd(file: string): Promise<string | undefined> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    for (const line of buf.subarray(0, bytesRead).toString('utf8').split('\n')) {
      const m = /"cwd":("(?:[^"\\]|\\.)*")/.exec(line);
      if (m) return JSON.parse(m[1]) as string;
    }
    return undefined;
  } finally {
    await fh.close();
  }
}
