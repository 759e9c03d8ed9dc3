import { spawn } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline/promises';
import { readMeta, visibleText } from '../../../../protocol/src';
import { HandoffError, chooseProjectDir, rememberProjectDir, describeCandidate, describePull, materialiseSession, resumeCommand, type ProjectCandidate, type PullResult } from '../../core/handoff';
import type { JoinedShare } from '../../core/sync/joinShare';
import { openTandemHome } from '../../core/state/tandemHome';
import { resolveClaudeDir } from '../../core/transcripts/claudeDir';
import { ExitCode, UserError, type CliIo, type Command } from '../command';
import { joinForCli, parseLinkForCli } from '../joinErrors';

// `tandem pull LINK`: continue a shared session on this machine. Connects with the link, waits for
// the transcript room, writes the session into the local Claude folder (core/handoff), prints the
// `claude --resume` command and, with --resume, runs it in the foreground.

export const pullCommand: Command = {
  name: 'pull',
  summary: 'continue a shared session here: write it into the local Claude folder and print `claude --resume`',
  usage: 'pull LINK [--project-dir DIR] [--claude-dir DIR] [--as-new] [--resume [-- CLAUDE_ARGS…]]',
  help: [
    '--project-dir DIR  the local checkout to continue in (default: found by git remote or folder name, else asked)',
    '--claude-dir DIR   the Claude Code folder (default: $CLAUDE_CONFIG_DIR, else ~/.claude)',
    '--as-new           write the shared version under a new session id (when your local copy has diverged)',
    '--resume           then run `claude --resume <id>` in the project folder; arguments after -- go to claude',
  ],
  options: {
    'project-dir': { type: 'string' },
    'claude-dir': { type: 'string' },
    'as-new': { type: 'boolean' },
    resume: { type: 'boolean' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [raw, ...claudeArgs] = positionals;
    if (!raw) throw new UserError('pass the share link: tandem pull LINK', ExitCode.usage);
    if (claudeArgs.length && !values.resume) throw new UserError(`unexpected arguments ${claudeArgs.join(' ')} (arguments for claude go after --resume --)`, ExitCode.usage);
    const claudeDir = resolveClaudeDir({ claudeDir: values['claude-dir'] as string | undefined, env: io.env }).dir;
    const share = await join(raw, io);
    let result: PullResult;
    try {
      const home = io.env.HOME || io.env.USERPROFILE || os.homedir();
      const projectDir = await chooseProjectDir(readMeta(share.docs.transcript), { projectDir: values['project-dir'] as string | undefined, cwd: process.cwd(), home, ask: askIn(io) });
      result = await materialiseSession(share.docs.transcript, { claudeDir, projectDir, asNew: values['as-new'] === true });
    } catch (e) {
      if (e instanceof HandoffError) throw new UserError(e.message, ExitCode.error);
      throw e;
    } finally {
      share.dispose();
    }
    for (const line of describePull(result)) io.stdout.write(`${visibleText(line)}\n`);
    if (result.outcome === 'diverged') {
      io.stdout.write('Pull again with --as-new to take the shared version as a new session.\n');
      return ExitCode.error;
    }
    if (result.outcome === 'no-transcript') return ExitCode.notFound;
    await rememberProjectDir(await openTandemHome(io.env), result.sessionId, result.projectDir);
    const resume = resumeCommand(result.projectDir, result.sessionId);
    if (!values.resume) {
      io.stdout.write(`Continue with:\n  ${resume.display}\n`);
      return ExitCode.ok;
    }
    io.stdout.write(`Running: ${resume.display}${claudeArgs.length ? ` ${claudeArgs.join(' ')}` : ''}\n`);
    return runClaude(resume.command, [...resume.args, ...claudeArgs], resume.cwd, claudeEnv(io.env, values['claude-dir'] as string | undefined, claudeDir));
  },
};

/** Connects with the link and waits for both rooms; a refused or unreachable relay is a UserError. */
async function join(link: string, io: CliIo): Promise<JoinedShare> {
  const parsed = parseLinkForCli(link);
  io.stderr.write(`Connecting to ${parsed.relayUrl}…\n`);
  return joinForCli(parsed);
}

/** On a terminal, lets the person pick a candidate by number or type a folder; elsewhere nobody can be asked. */
function askIn(io: CliIo): ((candidates: ProjectCandidate[], about: string) => Promise<string | null>) | undefined {
  if (!(io.stdin as { isTTY?: boolean }).isTTY) return undefined;
  return async (candidates, about) => {
    const rl = createInterface({ input: io.stdin, output: io.stderr });
    try {
      io.stderr.write(`Which local folder holds ${visibleText(about, { singleLine: true })}?\n`);
      candidates.forEach((c, i) => io.stderr.write(`  ${i + 1}. ${visibleText(describeCandidate(c), { singleLine: true })}\n`));
      const answer = (await rl.question(candidates.length ? 'Number or folder path (empty to stop): ' : 'Folder path (empty to stop): ')).trim();
      const n = Number(answer);
      if (Number.isInteger(n) && n >= 1 && n <= candidates.length) return candidates[n - 1].dir;
      return answer || null;
    } finally {
      rl.close();
    }
  };
}

/** The user's own environment: `claude` runs interactively as if they had typed the command, pointed
 *  at the Claude folder the session was written to when that was chosen with --claude-dir. */
function claudeEnv(env: NodeJS.ProcessEnv, flag: string | undefined, claudeDir: string): NodeJS.ProcessEnv {
  return flag ? { ...env, CLAUDE_CONFIG_DIR: claudeDir } : env;
}

/** Runs claude in the foreground (no shell, the terminal handed over) and returns its exit code. */
function runClaude(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  // Ctrl-C belongs to claude now (it interrupts a turn); tandem must outlive it, not exit under it.
  const keepRunning = () => undefined;
  process.on('SIGINT', keepRunning);
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: 'inherit', shell: false });
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(new UserError(e.code === 'ENOENT' ? `Claude Code (\`${command}\`) is not on your PATH; install it, or run the command above yourself.` : `Could not start claude: ${e.message}`)),
    );
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : ExitCode.error)));
  }).finally(() => process.off('SIGINT', keepRunning));
}
