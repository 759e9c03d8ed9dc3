import * as vscode from 'vscode';
import type { SessionSummary } from '../../core/transcripts/catalog';
import { UserFacingError } from '../commands';
import { externalLink } from '../externalLink';
import { announceShare } from '../linkReach';
import type { LocalSessions } from '../sessions/localSessions';
import type { SessionNode } from '../sessions/sessionsTree';
import type { ActiveShare, ActiveShares } from './activeShares';
import type { ShareService } from './shareService';

// The handlers behind Share Session…, Stop Sharing and Copy … Link. Menus pass the clicked Sessions
// item; the palette passes nothing, so these ask with a quick pick.

export type LinkKind = keyof ActiveShare['links'];
const linkNames = (): Record<LinkKind, string> => ({
  observer: vscode.l10n.t('Observer (read only)'),
  prompter: vscode.l10n.t('Prompter (can queue prompts)'),
  handoff: vscode.l10n.t('Handoff (full host control)'),
});

export class ShareCommands {
  constructor(
    private readonly sessions: LocalSessions,
    private readonly shares: ActiveShares,
    private readonly service: ShareService,
  ) {}

  /** Shares the clicked or picked session; returns its links (as the relay hands them out). */
  async share(arg: unknown): Promise<ActiveShare['links'] | undefined> {
    const session = await this.pickSession(arg);
    if (!session) return undefined;
    const share = await this.service.share(session);
    void announceShare(share.title, share.links.observer, (kind) => this.copy(kind, share));
    return share.links;
  }

  async stop(arg: unknown): Promise<void> {
    const share = await this.pickShare(arg);
    if (!share) return;
    await share.stop();
    void vscode.window.showInformationMessage(vscode.l10n.t('Stopped sharing “{0}”. Its links no longer work.', share.title));
  }

  /** Copies a link of the clicked or picked share, mapped for this window (remote, SSH, code-server). */
  async copy(kind: LinkKind, arg: unknown): Promise<string | undefined> {
    const share = isShare(arg) ? arg : await this.pickShare(arg);
    if (!share) return undefined;
    const link = await externalLink(share.links[kind]);
    await vscode.env.clipboard.writeText(link);
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} link to “{1}” copied.', linkNames()[kind], share.title));
    return link;
  }

  async pickSession(arg: unknown): Promise<SessionSummary | undefined> {
    if (isSessionNode(arg)) return arg.session;
    await this.sessions.refresh();
    const candidates = this.sessions.sessions.filter((s) => !s.orphan);
    if (candidates.length === 0) throw new UserFacingError(this.sessions.error ?? vscode.l10n.t('No Claude Code sessions found. Run Claude Code in a project first.'));
    const pick = await vscode.window.showQuickPick(
      candidates.map((s) => ({ label: s.title ?? s.sessionId, description: [s.live ? 'live' : '', s.cwd ?? s.projectFolder].filter(Boolean).join(' · '), session: s })),
      { title: vscode.l10n.t('Share Session'), placeHolder: vscode.l10n.t('Which session?'), matchOnDescription: true },
    );
    return pick?.session;
  }

  private async pickShare(arg: unknown): Promise<ActiveShare | undefined> {
    if (isShare(arg)) return arg;
    if (isSessionNode(arg)) {
      const share = this.shares.get(arg.session.sessionId);
      if (!share) throw new UserFacingError(`“${arg.session.title ?? arg.session.sessionId}” is not shared`);
      return share;
    }
    const all = this.shares.all;
    if (all.length === 0) throw new UserFacingError(vscode.l10n.t('Nothing is shared from this window. Share a session first.'));
    if (all.length === 1) return all[0];
    const pick = await vscode.window.showQuickPick(
      all.map((s) => ({ label: s.title, description: vscode.l10n.t('{0} watching', s.viewers), share: s })),
      { title: vscode.l10n.t('Shared sessions'), placeHolder: vscode.l10n.t('Which shared session?') },
    );
    return pick?.share;
  }
}

function isSessionNode(arg: unknown): arg is SessionNode {
  return typeof arg === 'object' && arg !== null && (arg as SessionNode).kind === 'session' && typeof (arg as SessionNode).session?.sessionId === 'string';
}

function isShare(arg: unknown): arg is ActiveShare {
  return typeof arg === 'object' && arg !== null && typeof (arg as ActiveShare).shareId === 'string' && typeof (arg as ActiveShare).stop === 'function';
}
