import { parseArgs } from 'node:util';
import { visibleText } from '../../../protocol/src';
import { ExitCode, UserError, type CliIo, type Command } from './command';
import { agentCommand } from './commands/agent';
import { openCommand } from './commands/open';
import { promptCommand } from './commands/prompt';
import { approveCommand } from './commands/approve';
import { pullCommand } from './commands/pull';
import { relayCommand } from './commands/relay';
import { sessionsCommand } from './commands/sessions';
import { shareCommand } from './commands/share';
import { sharesCommand } from './commands/shares';
import { unshareCommand } from './commands/unshare';

// The command table: one file per command under ./commands.
const commands: Command[] = [
  shareCommand,
  sharesCommand,
  unshareCommand,
  openCommand,
  promptCommand,
  approveCommand,
  pullCommand,
  relayCommand,
  agentCommand,
  sessionsCommand,
];

export function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'tandem: share live Claude Code sessions through a sync relay',
    '',
    'Usage: tandem <command> [options]   (tandem <command> --help for details)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

function commandHelp(c: Command): string {
  return [`Usage: tandem ${c.usage}`, '', c.summary, '', 'Options:', ...c.help.map((h) => `  ${h}`), '  -h, --help  show this help', ''].join('\n');
}

function defaultIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    interrupted: new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
  };
}

export async function runCli(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText());
    return name ? ExitCode.ok : ExitCode.usage;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return ExitCode.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`tandem: unknown command "${name}"\n\n${helpText()}`);
    return ExitCode.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return ExitCode.ok;
  }
  let args;
  try {
    args = parseArgs({ args: rest, options: command.options, allowPositionals: command.allowPositionals ?? false, strict: true });
  } catch (e) {
    io.stderr.write(`tandem ${name}: ${(e as Error).message}\n\n${commandHelp(command)}`);
    return ExitCode.usage;
  }
  try {
    return await command.run(args as Parameters<Command['run']>[0], io);
  } catch (e) {
    if (e instanceof UserError) {
      io.stderr.write(`tandem ${name}: ${visibleText(e.message)}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

declare const __TANDEM_VERSION__: string | undefined;
const VERSION = typeof __TANDEM_VERSION__ === 'string' ? __TANDEM_VERSION__ : 'dev';
