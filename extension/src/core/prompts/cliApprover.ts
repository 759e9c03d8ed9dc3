import readline from 'node:readline/promises';
import { visibleText } from '../../../../protocol/src';
import type { Approver, ApprovalRequest, Decision } from './approval';

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


export function describeRequest({ prompt, project }: ApprovalRequest): string {
  const text = prompt.text.length > SHOW_CHARS ? `${prompt.text.slice(0, SHOW_CHARS)}\n… (${prompt.text.length - SHOW_CHARS} more characters)` : prompt.text;
  const body = visibleText(text)
    .split('\n')
    .map((l) => `  │ ${l}`)
    .join('\n');
  const what = prompt.kind === 'new' ? 'a new session' : 'this session';
  return `\nPrompt from ${visibleText(prompt.author)} for ${what} in ${visibleText(project)}:\n${body}\n`;
}

export function parseAnswer(answer: string): Decision | undefined {
  const a = answer.trim().toLowerCase();
  if (a === 'y' || a === 'yes') return 'approve';
  if (a === 'n' || a === 'no' || a === '') return 'reject';
  if (a === 'a' || a === 'always') return 'always';
  return undefined;
}

export function createCliApprover(terminal: Terminal): Approver {
  let queue: Promise<unknown> = Promise.resolve();
  const ask = async (request: ApprovalRequest, signal: AbortSignal): Promise<Decision> => {
    if (!terminal.input.isTTY) {
      terminal.output.write(
        `Rejected a prompt from ${visibleText(request.prompt.author)}: the prompt policy is "ask" but there is no terminal to ask in; ` +
          'use --prompts auto or --prompts never when stdin is not a terminal.\n',
      );
      return 'reject';
    }
    terminal.output.write(describeRequest(request));
    const rl = readline.createInterface({ input: terminal.input, output: terminal.output, terminal: true });
    const interrupt = new AbortController();
    rl.on('SIGINT', () => {
      interrupt.abort();
      (terminal.onInterrupt ?? (() => process.kill(process.pid, 'SIGINT')))();
    });
    const either = AbortSignal.any([signal, interrupt.signal]);
    try {
      for (;;) {
        const decision = parseAnswer(await rl.question('Run it? [y]es, [N]o, [a]lways for this share: ', { signal: either }));
        if (decision) return decision;
        terminal.output.write('Please answer y, n or a.\n');
      }
    } catch (e) {
      if (interrupt.signal.aborted && !signal.aborted) await new Promise((stopped) => signal.addEventListener('abort', stopped, { once: true }));
      if (interrupt.signal.aborted) return 'reject';
      if (!signal.aborted) throw e;
      terminal.output.write('\n(question withdrawn: the prompter cancelled it or the host is stopping)\n');
      return 'reject';
    } finally {
      rl.close();
    }
  };
  return {
    by: 'user',
    approve: (request, signal) => {
      const answer = queue.then(() => ask(request, signal));
      queue = answer.catch(() => undefined);
      return answer;
    },
  };
}
