import { buildLink, decodeToken, visibleText } from '../../../../protocol/src';
import { listHostStatuses, type HostStatus } from '../../core/sync/hostLease';
import { LINK_ROLES, ShareStore, tandemHome } from '../../core/sync/shareStore';
import { ExitCode, type Command } from '../command';

// `tandem shares`: what is shared from this machine: the CLI's records (~/.tandem/shares) and every
// host's status file (CLI and VS Code windows), joined by session.

type Listed = {
  sessionId: string;
  shareId: string;
  title: string | undefined;
  relayUrl: string;
  host: { running: boolean; surface: HostStatus['surface'] | undefined; pid: number | undefined };
  viewers: HostStatus['viewers'];
  links: Array<{ role: string; expiresAt: string; url: string | undefined }>;
};

export const sharesCommand: Command = {
  name: 'shares',
  summary: 'list what is shared from this machine: links, expiry, viewers now, whether the host runs',
  usage: 'shares [--json]',
  help: ['--json   print JSON ({shares: [...]}) instead of text'],
  options: { json: { type: 'boolean' } },
  async run({ values }, io) {
    const home = tandemHome(io.env);
    const shares = await listShares(home);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ shares }, null, 2)}\n`);
      return ExitCode.ok;
    }
    if (!shares.length) {
      io.stdout.write('Nothing is shared from this machine. `tandem share` shares your latest session.\n');
      return ExitCode.ok;
    }
    // watcher names come from the network
    for (const s of shares) io.stdout.write(visibleText(describe(s)));
    return ExitCode.ok;
  },
};

export async function listShares(home: string): Promise<Listed[]> {
  const records = await new ShareStore({ home, linkTtlSeconds: 0 }).list();
  const statuses = new Map((await listHostStatuses(home)).map((h) => [h.status.sessionId, h]));
  const out: Listed[] = records.map((r) => {
    const h = statuses.get(r.sessionId);
    statuses.delete(r.sessionId);
    const running = Boolean(h?.running && h.status.shareId === r.keys.shareId);
    return {
      sessionId: r.sessionId,
      shareId: r.keys.shareId,
      title: h?.status.title,
      relayUrl: r.relayUrl,
      host: { running, surface: h?.status.surface, pid: running ? h?.status.pid : undefined },
      viewers: running ? h!.status.viewers : [],
      links: LINK_ROLES.map((role) => ({ role, expiresAt: new Date((decodeToken(r.tokens[role])?.claims.exp ?? 0) * 1000).toISOString(), url: buildLink(r.relayUrl, r.keys.shareId, r.tokens[role]) })),
    };
  });
  for (const { status, running } of statuses.values()) {
    if (!running) continue; // a VS Code window that closed: its record lives in that VS Code's keychain
    out.push({
      sessionId: status.sessionId,
      shareId: status.shareId,
      title: status.title,
      relayUrl: status.relayUrl,
      host: { running, surface: status.surface, pid: status.pid },
      viewers: status.viewers,
      links: Object.entries(status.links).map(([role, exp]) => ({ role, expiresAt: new Date(exp * 1000).toISOString(), url: undefined })),
    });
  }
  return out;
}

function describe(s: Listed): string {
  const host = s.host.running ? `hosted by ${s.host.surface === 'vscode' ? 'a VS Code window' : '`tandem share`'} (pid ${s.host.pid})` : 'host not running (`tandem share` resumes it with the same links)';
  const viewers = s.viewers.length ? s.viewers.map((v) => `${v.name} (${v.client}, ${v.role})`).join(', ') : 'nobody';
  return [
    `${s.sessionId}  ${s.title ?? '(untitled)'}`,
    `  relay ${s.relayUrl}, share ${s.shareId}`,
    `  ${host}; watching now: ${viewers}`,
    ...s.links.map((l) => `  ${l.role.padEnd(8)} until ${l.expiresAt.slice(0, 16).replace('T', ' ')} UTC  ${l.url ?? '(copy it in VS Code)'}`),
    '',
  ].join('\n');
}
