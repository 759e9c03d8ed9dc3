import type { ParseArgsConfig } from 'node:util';
import type { Writable, Readable } from 'node:stream';

/** What a command may touch: injected so tests run commands in-process. */
export type CliIo = {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  /** resolves when the user asks to stop (Ctrl-C); long-running commands wait on it */
  interrupted: Promise<void>;
};

export type Command = {
  name: string;
  summary: string;
  /** usage line(s) after `tandem `, e.g. `sessions [--claude-dir DIR] [--json]` */
  usage: string;
  /** option help, one line each: `--json   print JSON instead of a table` */
  help: string[];
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  run(args: { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] }, io: CliIo): Promise<number>;
};

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  /** the link expired, was revoked or was refused by the relay */
  linkRefused: 3,
  /** the relay could not be reached */
  unreachable: 4,
  /** nothing to do: no session found, run failed, … */
  notFound: 5,
} as const;

/** An error whose message is already written for a person; the CLI prints it without a stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.error,
  ) {
    super(message);
  }
}
