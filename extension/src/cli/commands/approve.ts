import crypto from 'node:crypto';
import type * as Y from 'yjs';
import { Origin, addAnswer, boundAuthor, readApprovals, readMeta, transcriptRoom, visibleText, type PendingApproval, type ToolAnswer } from '../../../../protocol/src';
import { describeToolRequest } from '../../core/prompts';
import { ExitCode, UserError, type Command } from '../command';
import { joinForCli, parseLinkForCli } from '../joinErrors';
import { writeToQueue } from '../queueWrite';

// `tandem approve LINK [REQUEST_ID] allow|deny`: answer a tool request Claude Code made during a
// remote prompt, with a prompter link. Exit 0 only once the host took this answer; an answer that
// came too late, or that the host does not accept from a prompter, exits 1 with the host's reason.

const TAKEN_MS = 15_000;

export const approveCommand: Command = {
  name: 'approve',
  summary: 'answer a tool request of a remote prompt (needs a prompter link): allow or deny',
  usage: 'approve LINK [REQUEST_ID] allow|deny [--always] [--message TEXT]',
  help: [
    'REQUEST_ID      the request to answer, as `tandem prompt --wait` prints it; may be left out when exactly one is pending',
    'allow|deny      let the tool run once, or refuse it',
    '--always        with allow: also allow what Claude Code suggested for the rest of this session',
    '--message TEXT  with deny: what Claude is told',
    'The host sees the answer as given by the link: the name it was made for, else "prompter" and the start of its token id.',
    'Exit codes: 0 the host took the answer, 1 it did not (answered already, not pending, not allowed), 2 usage, 3 link refused, 4 relay unreachable.',
  ],
  options: { always: { type: 'boolean' }, message: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [link, ...rest] = positionals;
    const verb = rest[rest.length - 1];
    if (!link || rest.length < 1 || rest.length > 2 || (verb !== 'allow' && verb !== 'deny')) throw new UserError('usage: tandem approve LINK [REQUEST_ID] allow|deny', ExitCode.usage);
    if (values.always && verb !== 'allow') throw new UserError('--always goes with allow', ExitCode.usage);
    const parsed = parseLinkForCli(link);
    if (parsed.claims.role !== 'prompter') throw new UserError(`this is ${parsed.claims.role === 'observer' ? 'an observer' : 'a host'} link: answering tool requests needs a prompter link`, ExitCode.linkRefused);
    const share = await joinForCli(parsed);
    try {
      if (readMeta(share.docs.transcript).toolApprovals !== 'prompters') {
        io.stderr.write('The host answers tool requests itself (it shares with --tool-approvals host); ask it to allow prompters.\n');
        return ExitCode.error;
      }
      const request = pick(readApprovals(share.docs.transcript), rest.length === 2 ? rest[0] : undefined);
      const answer: ToolAnswer = {
        id: crypto.randomBytes(9).toString('base64url'),
        requestId: request.id,
        decision: verb === 'deny' ? 'deny' : values.always ? 'allow-session' : 'allow',
        ...(values.message ? { message: String(values.message) } : {}),
        ...boundAuthor(parsed.claims),
        createdAt: Date.now(),
      };
      io.stdout.write(describeToolRequest(request));
      await writeToQueue(share, 'answer', () => addAnswer(share.docs.queue, answer, Origin.composer));
      const verdict = await hostVerdict(share.docs.transcript, request.id, answer.id);
      if (verdict.taken) {
        io.stdout.write(`${answer.decision === 'deny' ? 'denied' : 'allowed'}: the host took your answer\n`);
        return ExitCode.ok;
      }
      io.stderr.write(`The host did not take your answer: ${visibleText(verdict.reason)}\n`);
      return ExitCode.error;
    } finally {
      share.dispose();
    }
  },
};

function pick(approvals: Map<string, PendingApproval>, id: string | undefined): PendingApproval {
  const pending = [...approvals.values()].filter((a) => a.state === 'pending');
  if (id) {
    const found = approvals.get(id);
    if (!found) throw new UserError(`no tool request ${id} on this share${pending.length ? `; pending: ${pending.map((a) => a.id).join(', ')}` : ''}`, ExitCode.notFound);
    if (found.state !== 'pending') throw new UserError(`request ${id} is ${found.state}${found.answeredBy ? ` (by ${visibleText(found.answeredBy)})` : ''}; nothing to answer`, ExitCode.error);
    return found;
  }
  if (pending.length === 1) return pending[0];
  if (pending.length === 0) throw new UserError('no tool request is waiting for an answer on this share', ExitCode.notFound);
  throw new UserError(`${pending.length} tool requests are pending (${pending.map((a) => `${a.id} ${visibleText(a.toolName)}`).join(', ')}); name one`, ExitCode.usage);
}

/** Waits until the host says whether it took the answer: it settles the request with it, or refuses it. */
function hostVerdict(doc: Y.Doc, requestId: string, answerId: string): Promise<{ taken: true } | { taken: false; reason: string }> {
  const approvals = transcriptRoom(doc).approvals;
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish({ taken: false, reason: `no word from the host within ${TAKEN_MS / 1000} s; is it still sharing?` }), TAKEN_MS);
    const check = () => {
      const a = readApprovals(doc).get(requestId);
      if (a?.answerId === answerId) return finish({ taken: true });
      const refused = a?.refused?.find((r) => r.answerId === answerId);
      if (refused) return finish({ taken: false, reason: refused.reason });
      if (a && a.state !== 'pending') finish({ taken: false, reason: `the request was ${a.state}${a.answeredBy ? ` by ${a.answeredBy}` : ''} first` });
    };
    const finish = (v: { taken: true } | { taken: false; reason: string }) => {
      clearTimeout(timer);
      approvals.unobserve(check);
      resolve(v);
    };
    approvals.observe(check);
  });
}
