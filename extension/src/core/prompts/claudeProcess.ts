import { spawn, type ChildProcess } from 'node:child_process';
import type { PermissionDenial } from '../../../../protocol/src';
import { isSessionId } from '../handoff/sessionId';
import { buildClaudeEnv } from './cleanEnv';
import type { Logger } from './logger';
import { LineSplitter, parseStreamLine, type ClaudeInit, type ClaudeResult, type StreamEvent } from './streamJson';

// One long-lived `claude -p` process in stream-json mode: the only place Tandem starts Claude Code.
// Prompts travel on stdin as stream-json user messages and permission questions come back as
// control requests (`--permission-prompt-tool stdio`, checked with Claude Code 2.1.197); arguments
// are an array and no shell is involved, so nothing in a prompt is ever interpreted by the host.
// claudeSession.ts speaks the protocol; this file starts, feeds and stops the process.

export const PERMISSION_MODES = ['default', 'acceptEdits', 'plan', 'auto', 'dontAsk', 'bypassPermissions'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/** The host's settings for replayed prompts. */
export type ClaudeSettings = {
  /** the `claude` executable: a path, or a name looked up on PATH */
  command: string;
  permissionMode?: PermissionMode;
  /** tool rules allowed without asking, e.g. `Bash(npm test:*)`, `Edit` */
  allowedTools?: readonly string[];
  /** variables for the child; unlike inherited ones, CLAUDE_CODE_* set here are kept */
  env?: Readonly<Record<string, string>>;
  /** more arguments from the host's settings, e.g. `['--model', 'sonnet']` */
  extraArgs?: readonly string[];
  /** Let remote prompts run custom slash commands and skills. Off by default: a project command's
   *  `allowed-tools` grants tools beyond the permission mode and allowed tools set here. */
  allowSlashCommands?: boolean;
  /** after SIGINT, how long to wait before SIGTERM, and again before SIGKILL */
  stopGraceMs?: number;
};

export type ClaudeRunRequest = {
  settings: ClaudeSettings;
  /** the host's environment, cleaned before use */
  baseEnv: NodeJS.ProcessEnv;
  /** the Claude folder the host shares from */
  claudeDir?: string;
  cwd: string;
  /** the session to continue; absent starts a new one */
  resume?: string;
  log: Logger;
  /** every parsed stdout line, in order */
  onEvent?: (event: StreamEvent) => void;
};

export type ClaudeOutcome = {
  /** ok: a result that is not an error; stopped: stop() was called and no result arrived */
  status: 'ok' | 'failed' | 'stopped';
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  init?: ClaudeInit;
  result?: ClaudeResult;
  /** the session the run wrote to: from the result, else from init */
  sessionId?: string;
  /** what went wrong, for a person; set when status is failed */
  error?: string;
  costUsd?: number;
  permissionDenials: PermissionDenial[];
  /** stdout lines that were not JSON objects or were too long */
  skippedLines: number;
};

const DEFAULT_STOP_GRACE_MS = 3000;
const STDERR_KEEP = 4096;
const ERROR_MAX = 2000;

export function claudeArgs(settings: ClaudeSettings, resume: string | undefined): string[] {
  const args = resume === undefined ? [] : ['--resume', resume];
  args.push('-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose', '--permission-prompt-tool', 'stdio');
  if (settings.permissionMode) args.push('--permission-mode', settings.permissionMode);
  if (!settings.allowSlashCommands) args.push('--disable-slash-commands');
  args.push(...(settings.extraArgs ?? []));
  // --allowedTools takes several values, so it goes last where nothing can be swallowed by it
  if (settings.allowedTools?.length) args.push('--allowedTools', ...settings.allowedTools);
  return args;
}

/** Refuses settings that would change what the arguments mean. */
export function checkSettings(settings: ClaudeSettings): void {
  if (!settings.command) throw new Error('No claude command is configured; set the path to Claude Code in Tandem\'s settings.');
  if (settings.permissionMode && !PERMISSION_MODES.includes(settings.permissionMode)) {
    throw new Error(`Unknown permission mode "${settings.permissionMode}"; use one of ${PERMISSION_MODES.join(', ')}.`);
  }
  for (const tool of settings.allowedTools ?? []) {
    if (!tool || tool.startsWith('-')) throw new Error(`"${tool}" is not a tool rule (e.g. Bash(npm test:*) or Edit); fix allowed tools in Tandem's settings.`);
  }
}

export class ClaudeProcess {
  readonly done: Promise<ClaudeOutcome>;
  private readonly child: ChildProcess;
  private stopRequested = false;
  private exited = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  static start(req: ClaudeRunRequest): ClaudeProcess {
    checkSettings(req.settings);
    if (req.resume !== undefined && !isSessionId(req.resume)) throw new Error(`"${req.resume}" is not a Claude Code session id`);
    return new ClaudeProcess(req);
  }

  private constructor(private readonly req: ClaudeRunRequest) {
    const args = claudeArgs(req.settings, req.resume);
    this.child = spawn(req.settings.command, args, {
      cwd: req.cwd,
      env: buildClaudeEnv({ base: req.baseEnv, overrides: req.settings.env, claudeDir: req.claudeDir }),
      stdio: ['pipe', 'pipe', 'pipe'],
      // its own process group, so stop() can end the tools it started and a Ctrl-C meant for the host does not reach it
      detached: process.platform !== 'win32',
      windowsHide: true,
      shell: false,
    });
    req.log.debug(`claude: started pid ${this.child.pid ?? '?'} in ${req.cwd}: ${args.join(' ')}`);
    this.done = this.collect();
    // a child that exits before reading stdin closes the pipe; that error is the exit's to report
    this.child.stdin?.on('error', (e) => req.log.debug(`claude: stdin closed early: ${e.message}`));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Writes one stream-json message to Claude Code's stdin; false when the process is gone. */
  send(message: object): boolean {
    const stdin = this.child.stdin;
    if (this.exited || !stdin || stdin.destroyed || stdin.writableEnded) return false;
    stdin.write(`${JSON.stringify(message)}\n`, 'utf8');
    return true;
  }

  /** Closes stdin: Claude Code finishes what it is doing and exits; an open permission question is denied. */
  endInput(): void {
    if (!this.child.stdin?.writableEnded) this.child.stdin?.end();
  }

  /** SIGINT (Claude Code ends the turn and exits), then SIGTERM, then SIGKILL to its whole process group if it lingers. */
  stop(): Promise<ClaudeOutcome> {
    if (!this.stopRequested && !this.exited) {
      this.stopRequested = true;
      const grace = this.req.settings.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
      this.signal('SIGINT');
      this.later(grace, () => this.signal('SIGTERM'));
      this.later(2 * grace, () => this.signal('SIGKILL', true));
    }
    return this.done;
  }

  /** SIGKILL to the whole process group at once: for a process with no turn running, whose exit must write nothing more. */
  kill(): Promise<ClaudeOutcome> {
    this.stopRequested = true;
    this.signal('SIGKILL', true);
    return this.done;
  }

  /** Stops the run without waiting for it to end. */
  dispose(): void {
    void this.stop();
  }

  private signal(sig: NodeJS.Signals, wholeGroup = false): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      if (wholeGroup && process.platform !== 'win32') process.kill(-this.child.pid, sig);
      else this.child.kill(sig);
    } catch (e) {
      this.req.log.debug(`claude: ${sig} to pid ${this.child.pid} failed: ${(e as Error).message}`);
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private collect(): Promise<ClaudeOutcome> {
    let init: ClaudeInit | undefined;
    let result: ClaudeResult | undefined;
    let stderr = '';
    let spawnError: NodeJS.ErrnoException | undefined;
    const lines = new LineSplitter((line) => {
      const event = parseStreamLine(line);
      if (!event) return void lines.dropped++;
      if (event.kind === 'init') init ??= event.init;
      else if (event.kind === 'result') result = event.result;
      this.req.onEvent?.(event);
    });
    this.child.stdout?.on('data', (chunk: Buffer) => lines.push(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    return new Promise<ClaudeOutcome>((resolve) => {
      // a process that could not start emits 'error', then 'close'
      this.child.once('error', (e: NodeJS.ErrnoException) => (spawnError = e));
      this.child.once('close', (exitCode: number | null, signal: NodeJS.Signals | null) => {
        this.exited = true;
        for (const t of this.timers) clearTimeout(t);
        this.timers.clear();
        lines.end();
        const outcome: ClaudeOutcome = {
          status: 'ok',
          exitCode,
          signal,
          init,
          result,
          sessionId: result?.sessionId ?? init?.sessionId,
          costUsd: result?.costUsd,
          permissionDenials: result?.permissionDenials ?? [],
          skippedLines: lines.dropped,
        };
        const ok = result !== undefined && !result.isError && exitCode === 0;
        if (!ok && this.stopRequested && !result) outcome.status = 'stopped';
        else if (!ok) {
          outcome.status = 'failed';
          outcome.error = describeFailure(this.req.settings.command, { spawnError, result, exitCode, signal, stderr });
        }
        this.req.log.debug(`claude: pid ${this.child.pid ?? '?'} ended (${outcome.status}, exit ${exitCode ?? signal})`);
        resolve(outcome);
      });
    });
  }
}

export type Ending = { spawnError?: NodeJS.ErrnoException; result?: ClaudeResult; exitCode: number | null; signal: NodeJS.Signals | null; stderr: string };

export function describeFailure(command: string, { spawnError, result, exitCode, signal, stderr }: Ending): string {
  const text = (() => {
    if (spawnError?.code === 'ENOENT') return `Claude Code was not found at "${command}"; install it or set the path to claude in Tandem's settings.`;
    if (spawnError) return `Claude Code could not be started from "${command}": ${spawnError.message}`;
    const said = result?.errors.join('\n') || (result?.isError ? result.text : '') || stderr.trim();
    if (said) return said;
    if (signal) return `claude was killed by ${signal} before it finished.`;
    return `claude exited with code ${exitCode} without a result.`;
  })();
  return text.length > ERROR_MAX ? `${text.slice(0, ERROR_MAX)}…` : text;
}
