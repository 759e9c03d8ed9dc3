import crypto from 'node:crypto';
import type * as Y from 'yjs';
import { Origin, addPrompt, boundAuthor, isTerminal, readRuns, transcriptRoom, visibleText, type PromptRequest, type RunStatus } from '../../../../protocol/src';
import { ExitCode, UserError, type CliIo, type Command } from '../command';
import { joinForCli, parseLinkForCli } from '../joinErrors';

// `tandem prompt LINK "text"`: queue a prompt with a prompter link. The command says it is queued
// only once the relay has stored it (the connector's flush); --wait then follows the host's status
// for it until the run ends.

export const promptCommand: Command = {
  name: 'prompt',
  summary: 'queue a prompt on a shared session (needs a prompter link); --wait for its result',
  usage: 'prompt LINK "TEXT" [--new --project PATH] [--wait]',
  help: [
    'TEXT            the prompt; - reads it from stdin',
    '--new           start a new session in --project instead of continuing this one (if the host allows it)',
    '--project PATH  with --new: the host project folder to start in',
    '--wait          wait for the run to end and print its status (exit 0 when done, 1 otherwise)',
    'The host sees the prompt as written by the link: the name it was made for, else "prompter" and the start of its token id.',
    'Exit codes: 0 ok, 1 the run did not succeed (--wait), 2 usage, 3 link refused or not a prompter link, 4 relay unreachable.',
  ],
  options: { new: { type: 'boolean' }, project: { type: 'string' }, wait: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [link, textArg, ...rest] = positionals;
    if (!link || textArg === undefined || rest.length) throw new UserError('usage: tandem prompt LINK "TEXT" (quote the prompt)', ExitCode.usage);
    if (values.new && !values.project) throw new UserError('--new needs --project PATH: the host folder to start the session in', ExitCode.usage);
    if (values.project && !values.new) throw new UserError('--project goes with --new', ExitCode.usage);
    const parsed = parseLinkForCli(link);
    if (parsed.claims.role === 'observer') throw new UserError('this is an observer link: it can read the session but not queue prompts; ask the host for a prompter link', ExitCode.linkRefused);
    const text = textArg === '-' ? await readAll(io.stdin) : textArg;
    const prompt: PromptRequest = {
      id: crypto.randomBytes(9).toString('base64url'),
      text,
      ...boundAuthor(parsed.claims),
      createdAt: Date.now(),
      kind: values.new ? 'new' : 'resume',
      ...(values.project ? { project: String(values.project) } : {}),
    };
    const share = await joinForCli(parsed);
    try {
      // set as the denial arrives: it may come in the same read as the flush's answer, which then resolves first
      let refusal: string | undefined;
      const denied = new Promise<void>((resolve) =>
        share.connection.queue.onDenied((reason) => {
          refusal ??= reason;
          resolve();
        }),
      );
      try {
        addPrompt(share.docs.queue, prompt, Origin.composer);
      } catch (e) {
        throw new UserError(`the prompt cannot be queued: ${(e as Error).message}`, ExitCode.usage);
      }
      await Promise.race([
        share.connection.queue.flush(),
        denied,
        new Promise((_, reject) => setTimeout(() => reject(new UserError('the relay did not confirm the prompt within 15 s; it may not be queued: try again', ExitCode.unreachable)), 15_000).unref()),
      ]);
      if (refusal !== undefined) throw new UserError(`the relay refused the prompt: ${refusal}`, ExitCode.linkRefused);
      io.stdout.write(`queued prompt ${prompt.id}\n`);
      if (!values.wait) return ExitCode.ok;
      const status = await waitForRun(io, share.docs.transcript, prompt.id);
      return status?.state === 'done' ? ExitCode.ok : ExitCode.error;
    } finally {
      share.dispose();
    }
  },
};

/** Prints each status the host writes for the prompt; resolves with the final one (or undefined on Ctrl-C). */
function waitForRun(io: CliIo, doc: Y.Doc, promptId: string): Promise<RunStatus | undefined> {
  const runs = transcriptRoom(doc).runs;
  let last = '';
  return new Promise((resolve) => {
    const check = () => {
      const s = readRuns(doc).get(promptId);
      if (!s) return;
      const line = describe(s);
      if (line !== last) io.stdout.write(`${visibleText(line)}\n`);
      last = line;
      if (isTerminal(s.state)) done(s);
    };
    const done = (s: RunStatus | undefined) => {
      runs.unobserve(check);
      resolve(s);
    };
    runs.observe(check);
    void io.interrupted.then(() => done(undefined));
    check();
  });
}

function describe(s: RunStatus): string {
  const parts: string[] = [s.state];
  if (s.waiting) parts.push(`(${s.waiting})`);
  if (s.error) parts.push(`: ${s.error}`);
  if (s.costUsd !== undefined) parts.push(`($${s.costUsd.toFixed(4)})`);
  for (const d of s.permissionDenials ?? []) parts.push(`\n  permission denied: ${d.toolName}${d.input ? ` ${JSON.stringify(d.input).slice(0, 200)}` : ''}`);
  if (s.state === 'done' && s.resultText) parts.push(`\n${s.resultText}`);
  return parts.join(' ');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
