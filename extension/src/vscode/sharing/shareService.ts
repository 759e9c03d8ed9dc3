import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { buildLink, decodeToken, isTerminal, type RunStatus } from '../../../../protocol/src';
import { ensurePrivateDir } from '../../core/state/privateFiles';
import { ProcessPool } from '../../core/prompts/processPool';
import { deleteShareAtRelay } from '../../core/sync/deleteShare';
import { HostLease, HostLeaseTaken } from '../../core/sync/hostLease';
import { revokeAllLinks } from '../../core/sync/revokeLinks';
import { ShareHost } from '../../core/sync/shareHost';
import { LINK_ROLES, tandemHome, type ShareRecord } from '../../core/sync/shareStore';
import type { SessionSummary } from '../../core/transcripts/catalog';
import { resolveClaudeDir } from '../../core/transcripts/claudeDir';
import { UserFacingError } from '../commands';
import { Disposable, toDisposable } from '../lifecycle';
import type { Logger } from '../log';
import type { RemotePromptApprover } from '../prompts/remotePromptApprover';
import type { ToolRequestApprover } from '../prompts/toolRequestApprover';
import type { RelayService } from '../relay/relayService';
import type { SettingsService } from '../settings';
import type { ActiveShare, ActiveShares } from './activeShares';
import type { ShareRecords } from './shareRecords';
import { toolApprovalOptions } from './toolApprovalOptions';
import type { WindowShares } from './windowShares';
import { workspaceFolderPath } from '../workspaceFolder';

const LINK_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * Sharing from VS Code: one core ShareHost per shared session (publish the transcript, run queued prompts
 * with the VS Code approver, ask the window about Claude Code's tool requests), keys in SecretStorage, the relay from RelayService, a host lease so no
 * other window or terminal hosts the same session. Stop Sharing ends the session for viewers, revokes
 * every link and deletes the share from the relay; closing or reloading the window only disconnects
 * (WindowShares remembers what it shared, and sharing again reuses the same links).
 */
export class ShareService extends Disposable {
  private readonly hosts = new Map<string, { host: ShareHost; lease: HostLease; offViewers: () => void }>();
  /** the cap on Claude Code processes holds across every share of this window */
  private readonly processPool = new ProcessPool();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly settings: SettingsService,
    private readonly relay: RelayService,
    private readonly records: ShareRecords,
    private readonly shares: ActiveShares,
    private readonly approver: RemotePromptApprover,
    private readonly toolRequests: ToolRequestApprover,
    private readonly windowShares: WindowShares,
    private readonly log: Logger,
  ) {
    super();
    this.register(toDisposable(() => void this.disconnectAll()));
  }

  /** `waitForPreviousHostMs`: how long a host of this session still running elsewhere may take to go away (a reload). */
  async share(session: SessionSummary, { waitForPreviousHostMs = 0 } = {}): Promise<ActiveShare> {
    const existing = this.shares.get(session.sessionId);
    if (existing) return existing;
    if (session.orphan || !session.file) throw new UserFacingError('this session has no main transcript (only subagent files), so there is nothing to share');
    const title = session.title ?? `session ${session.sessionId.slice(0, 8)}`;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Sharing “{0}”…', title) }, async () => {
      const relayUrl = await this.relay.relayUrl();
      const { record, commit } = await this.records.prepare(session.sessionId, relayUrl, LINK_TTL_SECONDS);
      const lease = await this.takeLease(session, record, title, waitForPreviousHostMs);
      let host: ShareHost;
      try {
        host = await this.startHost(session, record);
      } catch (e) {
        await lease.release();
        throw e;
      }
      await commit();
      await this.windowShares.add(session.sessionId);
      const offViewers = host.onViewersChange(() => {
        this.shares.update(session.sessionId, { viewers: host.viewers().length });
        lease.setViewers(host.viewers()).catch((e: Error) => this.log.warn(`could not note the viewers for \`tandem shares\`: ${e.message}`));
      });
      this.hosts.set(session.sessionId, { host, lease, offViewers });
      const links = (['observer', 'prompter', 'handoff'] as const).map((k) => [k, buildLink(relayUrl, record.keys.shareId, record.tokens[k])]);
      const share: ActiveShare = {
        sessionId: session.sessionId,
        shareId: record.keys.shareId,
        title,
        links: Object.fromEntries(links) as ActiveShare['links'],
        viewers: 0,
        stop: () => this.stop(session.sessionId),
      };
      this.shares.add(share);
      this.log.info(`sharing ${session.sessionId} as ${record.keys.shareId} through ${relayUrl}`);
      return share;
    });
  }

  /**
   * Stop Sharing: marks the session ended for viewers, stops running prompts, revokes every link and
   * deletes the share from the relay (with `tandem.stopSharing.keepData`, the relay keeps its copy).
   */
  async stop(sessionId: string): Promise<void> {
    const running = this.hosts.get(sessionId);
    const record = await this.records.read(sessionId);
    this.hosts.delete(sessionId);
    this.shares.delete(sessionId);
    running?.offViewers();
    await running?.host.stop({ ended: true });
    await running?.lease.release();
    await this.windowShares.remove(sessionId);
    if (record) {
      const keep = this.settings.current.sharing.keepDataOnStop;
      const { closed, deleted } = keep ? { ...(await revokeAllLinks(record.relayUrl, record.keys)), deleted: false } : await deleteShareAtRelay(record.relayUrl, record.keys, record.tokens.host);
      await this.records.remove(sessionId);
      this.log.info(`stopped sharing ${sessionId}: links revoked, ${closed} viewer connection(s) closed${deleted ? ', deleted from the relay' : ', its data kept on the relay'}`);
    }
  }

  private async takeLease(session: SessionSummary, record: ShareRecord, title: string, waitForHolderMs: number): Promise<HostLease> {
    const links: Record<string, number> = {};
    for (const kind of LINK_ROLES) links[kind] = decodeToken(record.tokens[kind])?.claims.exp ?? 0;
    try {
      return await HostLease.acquire(tandemHome(process.env), { surface: 'vscode', sessionId: session.sessionId, shareId: record.keys.shareId, relayUrl: record.relayUrl, title, links }, waitForHolderMs);
    } catch (e) {
      if (e instanceof HostLeaseTaken) throw new UserFacingError(`${e.message}; stop sharing it there first`);
      throw e;
    }
  }

  /** Window closing: disconnect every share without ending it or revoking its links. */
  async disconnectAll(): Promise<void> {
    const running = [...this.hosts.values()];
    this.hosts.clear();
    for (const r of running) r.offViewers();
    await Promise.all(running.map(async (r) => {
      await r.host.stop({ ended: false });
      await r.lease.release();
    }));
  }

  private async startHost(session: SessionSummary, record: ShareRecord): Promise<ShareHost> {
    const s = this.settings.current;
    const journalDir = path.join(this.context.globalStorageUri.fsPath, 'shares');
    await ensurePrivateDir(journalDir);
    const claudeDir = resolveClaudeDir({ claudeDir: s.claudeFolder }).dir;
    const cwd = session.cwd ?? workspaceFolderPath() ?? os.homedir();
    if (!session.cwd) this.log.warn(`session ${session.sessionId} does not say where it ran; remote prompts run in ${cwd}`);
    return ShareHost.start({
      relayUrl: record.relayUrl,
      shareId: record.keys.shareId,
      hostToken: record.tokens.host,
      claudeDir,
      projectFolder: session.projectFolder,
      sessionId: session.sessionId,
      cwd,
      hostLabel: s.hostLabel,
      promptPolicy: s.remotePrompts.policy,
      approver: this.approver.forShare(record.keys.shareId),
      toolApprovals: toolApprovalOptions(s.toolApprovals, this.toolRequests.forShare(record.keys.shareId)),
      processPool: this.processPool,
      claude: { command: s.claudePath, permissionMode: s.remotePrompts.permissionMode, allowedTools: s.remotePrompts.allowedTools },
      newSessionProjects: s.remotePrompts.newSessionProjects,
      journalPath: path.join(journalDir, `${session.sessionId}.runs.jsonl`),
      log: this.log,
      onRunStatus: (status) => this.onRunStatus(session.sessionId, status),
    }).catch((e: Error) => {
      throw new UserFacingError(`could not share “${session.title ?? session.sessionId}”: ${e.message}`);
    });
  }

  private onRunStatus(sessionId: string, status: RunStatus): void {
    this.log.info(`remote prompt ${status.promptId}: ${status.state}${status.error ? ` (${status.error})` : ''}`);
    this.approver.runFinished(status);
    const running = this.shares.get(sessionId)?.runningPrompt;
    if (status.state === 'running') this.shares.update(sessionId, { runningPrompt: { promptId: status.promptId, author: status.author } });
    else if (isTerminal(status.state) && running?.promptId === status.promptId) this.shares.update(sessionId, { runningPrompt: undefined });
  }
}
