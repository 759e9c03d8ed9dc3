import crypto from 'node:crypto';
import type * as Y from 'yjs';
import { Origin, addPrompt, boundAuthor, isTerminal, readApprovals, readRuns, transcriptRoom, visibleText, type PromptRequest, type RunStatus } from '../../../../protocol/src';
import { describeToolRequest } from '../../core/prompts';
import { ExitCode, UserError, type CliIo, type Command } from '../command';
import { joinForCli, parseLinkForCli } from '../joinErrors';
import { writeToQueue } from '../queueWrite';

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
    '--wait          wait for the run to end and print its status and each tool request Claude Code makes, with its id',
    '                (exit 0 when done, 1 otherwise)',
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
      await writeToQueue(share, 'prompt', () => addPrompt(share.docs.queue, prompt, Origin.composer));
      io.stdout.write(`queued prompt ${prompt.id}\n`);
      if (!values.wait) return ExitCode.ok;
      const status = await waitForRun(io, share.docs.transcript, prompt.id);
      return status?.state === 'done' ? ExitCode.ok : ExitCode.error;
    } finally {
      share.dispose();
    }
  },
};

/** Prints each status the host writes for the prompt and each tool request of its run; resolves
 *  with the final status (or undefined on Ctrl-C). */
function waitForRun(io: CliIo, doc: Y.Doc, promptId: string): Promise<RunStatus | undefined> {
  const { runs, approvals } = transcriptRoom(doc);
  let last = '';
  const shown = new Set<string>();
  const requests = () => {
    for (const a of readApprovals(doc).values()) {
      if (a.promptId !== promptId || a.state !== 'pending' || shown.has(a.id)) continue;
      shown.add(a.id);
      const how = a.answerers === 'prompters' ? `answer with: tandem approve LINK ${a.id} allow|deny` : 'the host answers it';
      io.stdout.write(`${describeToolRequest(a)}  ${how} (denied at ${new Date(a.deadline).toLocaleTimeString()} without an answer)\n`);
    }
  };
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
      approvals.unobserve(requests);
      resolve(s);
    };
    runs.observe(check);
    approvals.observe(requests);
    void io.interrupted.then(() => done(undefined));
    requests();
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
