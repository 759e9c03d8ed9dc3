import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

// Where Claude Code keeps its files: an explicit option, else $CLAUDE_CONFIG_DIR, else ~/.claude.
// Project folders are enumerated as found, never computed from a cwd (transcript-format.md §2).

export type ClaudeDirOptions = {
  /** an explicit folder (a --claude-dir flag or a setting) wins over everything */
  claudeDir?: string;
  env?: NodeJS.ProcessEnv;
  homedir?: string;
};

export type ClaudeDir = { dir: string; source: 'option' | 'CLAUDE_CONFIG_DIR' | 'default' };

export function resolveClaudeDir(options: ClaudeDirOptions = {}): ClaudeDir {
  if (options.claudeDir) return { dir: path.resolve(options.claudeDir), source: 'option' };
  const fromEnv = (options.env ?? process.env).CLAUDE_CONFIG_DIR;
  if (fromEnv) return { dir: path.resolve(fromEnv), source: 'CLAUDE_CONFIG_DIR' };
  const env = options.env ?? process.env;
  return { dir: path.join(options.homedir ?? (env.HOME || env.USERPROFILE || os.homedir()), '.claude'), source: 'default' };
}

export function projectsDir(claudeDir: string): string {
  return path.join(claudeDir, 'projects');
}

/** The Claude folder or its projects/ folder is missing or unreadable; the message says where we looked. */
export class ClaudeDirError extends Error {}

/** The project folders under `<claudeDir>/projects`, as found on disk (names, sorted). */
export async function listProjectFolders(claude: ClaudeDir): Promise<string[]> {
  const dir = projectsDir(claude.dir);
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new ClaudeDirError(describeMissing(claude, dir, e as NodeJS.ErrnoException));
  }
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function describeMissing(claude: ClaudeDir, dir: string, e: NodeJS.ErrnoException): string {
  const where = `${claude.dir} (${{ option: 'given explicitly', CLAUDE_CONFIG_DIR: 'from CLAUDE_CONFIG_DIR', default: 'the default, ~/.claude' }[claude.source]})`;
  const hint = 'Run Claude Code once in a project, or point to the right folder with --claude-dir DIR or CLAUDE_CONFIG_DIR.';
  if (e.code === 'ENOENT') return `No Claude Code transcripts found: ${dir} does not exist. Looked in ${where}. ${hint}`;
  if (e.code === 'ENOTDIR') return `No Claude Code transcripts found: ${dir} is not a folder. Looked in ${where}. ${hint}`;
  return `Cannot read the Claude Code projects folder ${dir} (${e.code ?? e.message}). Looked in ${where}; check its permissions.`;
}
