import { joinLines, readMeta, transcriptRoom, visibleText } from '../../../../protocol/src';
import type { JoinedShare } from '../../core/sync/joinShare';
import { ExitCode, type CliIo, type Command } from '../command';
import { joinForCli } from '../joinErrors';
import { readableLine } from '../transcriptText';

// `tandem open LINK`: a headless viewer. --raw writes the JSONL exactly as in the host's file;
// --follow keeps printing until the host ends the session or Ctrl-C.

export const openCommand: Command = {
  name: 'open',
  summary: 'read a shared session in the terminal (--raw: the JSONL byte for byte; --follow: keep printing)',
  usage: 'open LINK [--raw] [--follow]',
  help: [
    '--raw      write the session\'s JSONL lines exactly as in the host\'s file',
    '--follow   keep printing new lines until the session ends (or Ctrl-C)',
    'Exit codes: 0 ok, 2 not a share link, 3 the link expired or was revoked, 4 the relay is unreachable.',
  ],
  options: { raw: { type: 'boolean' }, follow: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) {
      io.stderr.write('pass one share link: tandem open LINK\n');
      return ExitCode.usage;
    }
    const share = await joinForCli(positionals[0]);
    const doc = share.docs.transcript;
    // --raw is the file byte for byte when piped; a terminal gets it neutralised like everything else
    const tty = (io.stdout as { isTTY?: boolean }).isTTY === true;
    const render = values.raw ? (lines: string[]) => (tty ? visibleText(joinLines(lines)) : joinLines(lines)) : (lines: string[]) => lines.flatMap(readableLine).map((l) => `${l}\n`).join('');
    const lines = transcriptRoom(doc).lines;
    await write(io, render(lines.toArray()));
    if (!values.follow || readMeta(doc).state === 'ended') {
      share.dispose();
      return ExitCode.ok;
    }
    return follow(io, share, render).finally(() => share.dispose());
  },
};

/** Prints what the host appends; after a rewrite (epoch bump) the transcript is printed again from the start. */
function follow(io: CliIo, share: JoinedShare, render: (lines: string[]) => string): Promise<number> {
  const doc = share.docs.transcript;
  const lines = transcriptRoom(doc).lines;
  let printed = lines.length;
  let epoch = readMeta(doc).epoch ?? 0;
  return new Promise<number>((resolve) => {
    const onLines = () => {
      const nextEpoch = readMeta(doc).epoch ?? 0;
      if (nextEpoch !== epoch) {
        epoch = nextEpoch;
        io.stderr.write(`[the host's transcript was rewritten; printing it again from the start]\n`);
        printed = 0;
      }
      if (lines.length > printed) void write(io, render(lines.slice(printed)));
      printed = lines.length;
    };
    const onMeta = () => {
      if (readMeta(doc).state === 'ended') finish(ExitCode.ok, '[the host ended the session]\n');
    };
    const offStatus = share.connection.onStatus((s) => {
      if (s.state === 'refused') finish(ExitCode.linkRefused, `[the relay closed the link: ${visibleText(s.reason, { singleLine: true })}; ask the host for a new link]\n`);
    });
    const finish = (code: number, message: string) => {
      lines.unobserve(onLines);
      transcriptRoom(doc).meta.unobserve(onMeta);
      offStatus();
      io.stderr.write(message);
      resolve(code);
    };
    lines.observe(onLines);
    transcriptRoom(doc).meta.observe(onMeta);
    void io.interrupted.then(() => finish(ExitCode.ok, ''));
  });
}

function write(io: CliIo, text: string): Promise<void> {
  if (!text) return Promise.resolve();
  return new Promise((resolve) => (io.stdout.write(text) ? resolve() : io.stdout.once('drain', resolve)));
}
