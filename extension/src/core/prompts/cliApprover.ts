import readline from 'node:readline/promises';
import { visibleText, type PendingApproval, type ToolDecision } from '../../../../protocol/src';
import type { Approver, ApprovalRequest, Decision } from './approval';
import type { AskingPrompt, HostToolAnswer, HostToolAsker } from './toolApprovals';

// The `ask` policy of the CLI host: a y/n question in the terminal that shows who sent the prompt,
// where it would run and what it says (prompt text and author come from the network, so they go
// through visibleText: no escape sequence can fake the question). Questions are asked one at a time.

export type Terminal = {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  /** Ctrl-C while a question is open: readline catches it in raw mode, so it is passed on to the
   *  host, which stops as it would without a question (and aborts the approval, leaving the prompt
   *  undecided for the next start). Default: SIGINT to this process. */
  onInterrupt?: () => void;
};

const SHOW_CHARS = 2000;

/** Network text as an indented, escaped block, cut to SHOW_CHARS. */
function quoted(text: string): string {
  const shown = text.length > SHOW_CHARS ? `${text.slice(0, SHOW_CHARS)}\n… (${text.length - SHOW_CHARS} more characters)` : text;
  return visibleText(shown)
    .split('\n')
    .map((l) => `  │ ${l}`)
    .join('\n');
}

export function describeRequest({ prompt, project }: ApprovalRequest): string {
  const body = quoted(prompt.text);
  const what = prompt.kind === 'new' ? 'a new session' : 'this session';
  return `\nPrompt from ${visibleText(prompt.author)} for ${what} in ${visibleText(project)}:\n${body}\n`;
}

/** y/yes, n/no/empty, a/always → the three values; anything else → undefined (ask again). */
function yesNoAlways<T>(answer: string, [yes, no, always]: readonly [T, T, T]): T | undefined {
  const a = answer.trim().toLowerCase();
  if (a === 'y' || a === 'yes') return yes;
  if (a === 'n' || a === 'no' || a === '') return no;
  if (a === 'a' || a === 'always') return always;
  return undefined;
}

export function parseAnswer(answer: string): Decision | undefined {
  return yesNoAlways<Decision>(answer, ['approve', 'reject', 'always']);
}

type Question<T> = { body: string; prompt: string; retry: string; parse: (answer: string) => T | undefined; withdrawn: T; whyWithdrawn: string };

/** Asks one question in the terminal until it gets an answer `parse` accepts; `withdrawn` when the signal aborts. */
async function askTerminal<T>(terminal: Terminal, q: Question<T>, signal: AbortSignal): Promise<T> {
  terminal.output.write(q.body);
  const rl = readline.createInterface({ input: terminal.input, output: terminal.output, terminal: true });
  const interrupt = new AbortController();
  rl.on('SIGINT', () => {
    interrupt.abort();
    (terminal.onInterrupt ?? (() => process.kill(process.pid, 'SIGINT')))();
  });
  const either = AbortSignal.any([signal, interrupt.signal]);
  try {
    for (;;) {
      const answer = q.parse(await rl.question(q.prompt, { signal: either }));
      if (answer !== undefined) return answer;
      terminal.output.write(q.retry);
    }
  } catch (e) {
    if (interrupt.signal.aborted && !signal.aborted) await new Promise((stopped) => signal.addEventListener('abort', stopped, { once: true }));
    if (interrupt.signal.aborted) return q.withdrawn;
    if (!signal.aborted) throw e;
    terminal.output.write(`\n(question withdrawn: ${q.whyWithdrawn})\n`);
    return q.withdrawn;
  } finally {
    rl.close();
  }
}

/** One question at a time: a second waits for the first to be answered. */
function oneAtATime<A extends unknown[], T>(fn: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return (...args) => {
    const answer = queue.then(() => fn(...args));
    queue = answer.catch(() => undefined);
    return answer;
  };
}

export function createCliApprover(terminal: Terminal): Approver {
  const ask = async (request: ApprovalRequest, signal: AbortSignal): Promise<Decision> => {
    if (!terminal.input.isTTY) {
      terminal.output.write(
        `Rejected a prompt from ${visibleText(request.prompt.author)}: the prompt policy is "ask" but there is no terminal to ask in; ` +
          'use --prompts auto or --prompts never when stdin is not a terminal.\n',
      );
      return 'reject';
    }
    return askTerminal<Decision>(terminal, { body: describeRequest(request), prompt: 'Run it? [y]es, [N]o, [a]lways for this share: ', retry: 'Please answer y, n or a.\n', parse: parseAnswer, withdrawn: 'reject', whyWithdrawn: 'the prompter cancelled it or the host is stopping' }, signal);
  };
  return { by: 'user', approve: oneAtATime(ask) };
}

export function describeToolRequest(a: PendingApproval, prompt?: AskingPrompt): string {
  const body = quoted(a.command ?? a.diff ?? a.input);
  const why = a.reason ? `\n  (${visibleText(a.reason)})` : '';
  const by = prompt ? `, for a prompt from ${visibleText(prompt.author, { singleLine: true })}` : '';
  return `\nClaude Code asks to use ${visibleText(a.toolName)}${a.path ? ` on ${visibleText(a.path)}` : ''} (request ${a.id}${by}):${why}\n${body}\n`;
}

export function parseToolAnswer(answer: string): ToolDecision | undefined {
  return yesNoAlways<ToolDecision>(answer, ['allow', 'deny', 'allow-session']);
}

/** The CLI host's own answer to Claude Code's tool requests (the `ask` policy); silent without a terminal. */
export function createCliToolAsker(terminal: Terminal): HostToolAsker {
  const ask = async (approval: PendingApproval, signal: AbortSignal, prompt: AskingPrompt): Promise<HostToolAnswer | undefined> => {
    if (!terminal.input.isTTY || signal.aborted) return undefined;
    const decision = await askTerminal<ToolDecision | undefined>(
      terminal,
      { body: describeToolRequest(approval, prompt), prompt: 'Allow it? [y]es, [N]o, [a]lways this session: ', retry: 'Please answer y, n or a.\n', parse: parseToolAnswer, withdrawn: undefined, whyWithdrawn: 'it was answered elsewhere, it timed out, or the host is stopping' },
      signal,
    );
    return decision && { decision };
  };
  return { ask: oneAtATime(ask) };
}
