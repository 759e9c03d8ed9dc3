import fs from 'node:fs/promises';
import path from 'node:path';

// Continue Here types `claude --resume <id>` into an ordinary shell terminal, so the terminal and its output
// stay when claude exits. What is typed is built here: the program path is quoted for the user's shell and
// every argument must be a plain word, so nothing in a path or an id can run as a command of its own.
// No vscode import: plain-Node unit tests cover the quoting.

export type ShellKind = 'posix' | 'powershell' | 'cmd';

/** The kind of shell VS Code opens (`vscode.env.shell`), by its program name. */
export function shellKind(shell: string): ShellKind {
  const name = path.win32.basename(shell).toLowerCase().replace(/\.exe$/, '');
  if (name === 'pwsh' || name === 'powershell') return 'powershell';
  if (name === 'cmd') return 'cmd';
  return 'posix';
}

const PLAIN_WORD = /^[A-Za-z0-9_.:=@/+-]+$/;

/** The line to type: `program args…`, the program quoted for `kind`; throws on an argument that is not a plain word. */
export function shellCommand(program: string, args: readonly string[], kind: ShellKind): string {
  for (const a of args) if (!PLAIN_WORD.test(a)) throw new Error(`refusing to type an argument that is not a plain word: ${JSON.stringify(a)}`);
  if (/[\r\n\0]/.test(program)) throw new Error(`the program path holds a line break: ${JSON.stringify(program)}`);
  return [quoteProgram(program, kind), ...args].join(' ');
}

function quoteProgram(p: string, kind: ShellKind): string {
  switch (kind) {
    case 'posix':
      return `'${p.replace(/'/g, `'\\''`)}'`;
    case 'powershell':
      return `& '${p.replace(/'/g, "''")}'`;
    case 'cmd':
      // cmd has no escape inside quotes; a Windows path cannot hold `"`, and `%` would expand
      if (/["%^&|<>]/.test(p)) throw new Error(`the program path holds a character cmd.exe would interpret: ${p}`);
      return `"${p}"`;
  }
}

/** Where `program` (a name on PATH or a path) is, or undefined when it is not there or not runnable. */
export async function findExecutable(program: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const exts = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean)] : [''];
  const candidates = /[\\/]/.test(program) ? [path.resolve(program)] : (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, program));
  for (const c of candidates) {
    for (const ext of exts) {
      try {
        const file = c + ext;
        if ((await fs.stat(file)).isFile()) {
          await fs.access(file, platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
          return file;
        }
      } catch {
        // not this one: try the next candidate
      }
    }
  }
  return undefined;
}
