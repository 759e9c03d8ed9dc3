import * as vscode from 'vscode';
import type { SessionSummary } from '../../core/transcripts/catalog';
import { UserFacingError } from '../commands';
import { externalLink } from '../externalLink';
import type { LocalSessions } from '../sessions/localSessions';
import type { SessionNode } from '../sessions/sessionsTree';
import type { SettingsService } from '../settings';
import type { ViewerView } from '../webview/viewerView';
import type { ActiveShare, ActiveShares } from './activeShares';
import type { ShareService } from './shareService';

// The handlers behind Share Session…, Stop Sharing, Copy … Link and Open. Menus pass the clicked Sessions
// item; the palette passes nothing, so these ask with a quick pick.

export type LinkKind = keyof ActiveShare['links'];
const linkNames: Record<LinkKind, string> = { observer: 'Observer (read only)', prompter: 'Prompter (can queue prompts)', handoff: 'Handoff (full host control)' };

export class ShareCommands {
  constructor(
    private readonly sessions: LocalSessions,
    private readonly shares: ActiveShares,
    private readonly service: ShareService,
    private readonly viewer: ViewerView,
    private readonly settings: SettingsService,
  ) {}

  /** Shares the clicked or picked session; returns its links (as the relay hands them out). */
  async share(arg: unknown): Promise<ActiveShare['links'] | undefined> {
    const session = await this.pickSession(arg);
    if (!session) return undefined;
    const share = await this.service.share(session);
    void vscode.window.showInformationMessage(`Tandem: sharing “${share.title}”.`, 'Copy Observer Link', 'Copy Prompter Link').then((pick) => {
      if (pick) void this.copy(pick === 'Copy Observer Link' ? 'observer' : 'prompter', share);
    });
    return share.links;
  }

  async stop(arg: unknown): Promise<void> {
    const share = await this.pickShare(arg);
    if (!share) return;
    await share.stop();
    void vscode.window.showInformationMessage(`Tandem: stopped sharing “${share.title}”. Its links no longer work.`);
  }

  /** Copies a link of the clicked or picked share, mapped for this window (remote, SSH, code-server). */
  async copy(kind: LinkKind, arg: unknown): Promise<string | undefined> {
    const share = isShare(arg) ? arg : await this.pickShare(arg);
    if (!share) return undefined;
    const link = await externalLink(share.links[kind]);
    await vscode.env.clipboard.writeText(link);
    void vscode.window.showInformationMessage(`Tandem: ${linkNames[kind]} link to “${share.title}” copied.`);
    return link;
  }

  /** Open: the session in the sidebar viewer, sharing it first (on the embedded relay without asking). */
  async open(arg: unknown): Promise<void> {
    const session = await this.pickSession(arg);
    if (!session) return;
    let share = this.shares.get(session.sessionId);
    if (!share) {
      const relayUrl = this.settings.current.relayUrl;
      if (relayUrl) {
        const ok = await vscode.window.showInformationMessage(`To show “${session.title ?? session.sessionId}”, Tandem shares it through ${relayUrl}. Share it?`, { modal: true }, 'Share');
        if (ok !== 'Share') return;
      }
      share = await this.service.share(session);
    }
    await this.viewer.open(share.links.observer);
  }

  private async pickSession(arg: unknown): Promise<SessionSummary | undefined> {
    if (isSessionNode(arg)) return arg.session;
    await this.sessions.refresh();
    const candidates = this.sessions.sessions.filter((s) => !s.orphan);
    if (candidates.length === 0) throw new UserFacingError(this.sessions.error ?? 'no Claude Code sessions found; run `claude` in a project first');
    const pick = await vscode.window.showQuickPick(
      candidates.map((s) => ({ label: s.title ?? s.sessionId, description: [s.live ? 'live' : '', s.cwd ?? s.projectFolder].filter(Boolean).join(' · '), session: s })),
      { title: 'Tandem: Share Session', placeHolder: 'Which session?', matchOnDescription: true },
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
    if (all.length === 0) throw new UserFacingError('nothing is shared from this window; use Tandem: Share Session… first');
    if (all.length === 1) return all[0];
    const pick = await vscode.window.showQuickPick(
      all.map((s) => ({ label: s.title, description: `${s.viewers} watching`, share: s })),
      { title: 'Tandem', placeHolder: 'Which shared session?' },
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
