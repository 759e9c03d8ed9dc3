import { deleteShareAtRelay } from '../../core/sync/deleteShare';
import { readHostStatus } from '../../core/sync/hostLease';
import { ShareStore, tandemHome, type ShareRecord } from '../../core/sync/shareStore';
import { ExitCode, UserError, type Command } from '../command';

// `tandem unshare ID`: end a share for good: the relay revokes every link, closes its viewers and
// deletes the share's rooms; the local record goes too (sharing the session again makes new links).

export const unshareCommand: Command = {
  name: 'unshare',
  summary: 'stop a share for good: revoke every link and delete it from the relay',
  usage: 'unshare SESSION_ID|SHARE_ID',
  help: ['SESSION_ID|SHARE_ID   the session (a unique prefix is enough) or share id, as `tandem shares` lists them'],
  options: {},
  allowPositionals: true,
  async run({ positionals }, io) {
    if (positionals.length !== 1) throw new UserError('pass one session or share id (`tandem shares` lists them)', ExitCode.usage);
    const home = tandemHome(io.env);
    const store = new ShareStore({ home, linkTtlSeconds: 0 });
    const record = pick(await store.list(), positionals[0]);
    if (!record) {
      const vscode = await readHostStatus(home, positionals[0]);
      if (vscode?.status.surface === 'vscode') throw new UserError(`session ${positionals[0]} is shared from a VS Code window: use Stop Sharing there`, ExitCode.notFound);
      throw new UserError(`nothing shared from this machine matches ${positionals[0]}; \`tandem shares\` lists what is`, ExitCode.notFound);
    }
    let result;
    try {
      result = await deleteShareAtRelay(record.relayUrl, record.keys, record.tokens.host);
    } catch (e) {
      throw new UserError(`${(e as Error).message}; the share is unchanged, try again once the relay is up`, ExitCode.unreachable);
    }
    await store.remove(record.sessionId);
    io.stdout.write(
      `Unshared session ${record.sessionId}: every link is revoked, ${result.closed} connection(s) closed` +
        (result.deleted ? `, and its rooms are deleted from ${record.relayUrl}.\n` : `; ${record.relayUrl} cannot delete shares, so its copy stays there.\n`),
    );
    return ExitCode.ok;
  },
};

function pick(records: ShareRecord[], id: string): ShareRecord | undefined {
  const exact = records.find((r) => r.keys.shareId === id || r.sessionId === id);
  if (exact) return exact;
  const prefixed = records.filter((r) => r.sessionId.startsWith(id));
  if (prefixed.length > 1) throw new UserError(`${id} matches ${prefixed.length} shared sessions; give more of the id`, ExitCode.usage);
  return prefixed[0];
}
