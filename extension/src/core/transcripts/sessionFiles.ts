import fs from 'node:fs/promises';
import path from 'node:path';
import { flatAgentParent } from './flatAgent';
import { classifyProjectPath } from './projectPaths';

// The files that make up one session besides its main transcript: everything under `<sessionId>/`
// (subagent transcripts, their .meta.json, tool-results, …) and the flat `agent-*.jsonl` files of the
// project folder whose lines name this session. Symlinks and other non-regular files are skipped, so
// a link inside a session folder can never publish a file from elsewhere.

export type SideFile = {
  /** absolute path */
  file: string;
  /** path relative to the project folder, as carried in the document */
  sidePath: string;
  /** subagent transcripts are carried line by line, everything else as bytes */
  kind: 'lines' | 'blob';
};

export type SideFileListing = {
  files: SideFile[];
  /** flat agent files whose first line is not complete yet, so their session is not known */
  undecided: string[];
};

export async function listSideFiles(projectDir: string, sessionId: string): Promise<SideFileListing> {
  const files: SideFile[] = [];
  for (const file of await walkFiles(path.join(projectDir, sessionId))) {
    const side = sideFileOf(path.basename(projectDir), path.relative(path.dirname(projectDir), file), file);
    if (side) files.push(side);
  }
  const undecided: string[] = [];
  const entries = await fs.readdir(projectDir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile() || classifyProjectPath(path.join(path.basename(projectDir), e.name))?.kind !== 'flat-agent') continue;
    const file = path.join(projectDir, e.name);
    const parent = await flatAgentParent(file).catch(() => undefined);
    if (parent === sessionId) files.push({ file, sidePath: e.name, kind: 'lines' });
    else if (parent === undefined) undecided.push(file);
  }
  return { files, undecided };
}

/** The side file a path (relative to the projects folder) is, if it belongs to a session of `folder`. */
export function sideFileOf(folder: string, relativeToProjects: string, file: string): SideFile | undefined {
  const c = classifyProjectPath(relativeToProjects);
  if (!c || c.folder !== folder) return undefined;
  if (c.kind === 'subagent' || c.kind === 'flat-agent') return { file, sidePath: c.sidePath, kind: 'lines' };
  if (c.kind === 'side-blob') return { file, sidePath: c.sidePath, kind: 'blob' };
  return undefined;
}

async function walkFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw e;
  }
  const out: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walkFiles(full)));
    else if (e.isFile()) out.push(full);
  }
  return out;
}
