// Runs the `tandem` CLI in tests: in-process (fast, for short commands) or as a real child process
// (for hosts that must be killed, restarted or signalled).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../extension/src/cli/cli';
import type { CliIo } from '../../extension/src/cli/command';
import { waitFor } from './waitFor';

const repoRoot = path.resolve(__dirname, '../..');

export type CliResult = { code: number; stdout: string; stderr: string };

/** Runs one command in this process; `interrupt` resolves the command's Ctrl-C. */
export async function runCliCaptured(argv: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string; interrupt?: Promise<void> } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const stdin = new PassThrough();
  stdin.end(opts.stdin ?? '');
  const io: CliIo = { stdout, stderr, stdin, env: opts.env ?? process.env, interrupted: opts.interrupt ?? new Promise(() => undefined) };
  const code = await runCli(argv, io);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** `tandem …` as a child process running the TypeScript sources (never a stale bundle). */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(
    private readonly argv: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'extension/src/cli/main.ts'), ...argv], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout!.on('data', (c: Buffer) => (this.stdout += c.toString('utf8')));
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Waits until stdout matches, and returns the match; fails at once if the process exits first. */
  async waitForOutput(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const found = await waitFor(
      () => this.stdout.match(pattern) ?? (this.child.exitCode !== null || this.child.signalCode !== null ? 'exited' : null),
      { timeoutMs, what: `${pattern} in the output of tandem ${this.argv[0]}` },
    ).catch((e: Error) => Promise.reject(new Error(`${e.message}; stderr: ${this.stderr.slice(-2000)}`)));
    if (found === 'exited') throw new Error(`tandem ${this.argv[0]} exited (${this.child.exitCode ?? this.child.signalCode}) before printing ${pattern}; stdout: ${this.stdout.slice(-1000)} stderr: ${this.stderr.slice(-2000)}`);
    return found;
  }

  /** Signals the whole process group (the CLI and any `claude` it started). */
  kill(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // already gone
    }
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.kill('SIGTERM');
    return this.exited;
  }
}

/** The three links `tandem share` prints. */
export async function shareLinks(host: CliProcess): Promise<{ observer: string; prompter: string; handoff: string }> {
  const out = (await host.waitForOutput(/Press Ctrl-C to stop sharing/)).input!;
  const find = (re: RegExp) => {
    const m = out.match(re);
    if (!m) throw new Error(`no link matching ${re} in:\n${out}`);
    return m[1];
  };
  return {
    observer: find(/read only\):\s+(\S+)/),
    prompter: find(/Prompter \(can queue prompts\):\s+(\S+)/),
    handoff: find(/Handoff[^\n]*\n\s+(\S+)/),
  };
}
