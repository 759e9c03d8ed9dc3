import * as vscode from 'vscode';
import { sharedLinkWithoutToken, withoutToken, type TandemApi } from './api';
import { registerCommands, UserFacingError } from './commands';
import { setContext } from './contextKeys';
import { DisposableStore } from './lifecycle';
import { createLog } from './log';
import { ContinueHere } from './handoff/continueHere';
import { PendingBadge } from './pending/pendingBadge';
import { PendingInbox } from './pending/pendingItems';
import { answerPending } from './pending/pendingPick';
import { RemotePromptApprover } from './prompts/remotePromptApprover';
import { ToolRequestApprover } from './prompts/toolRequestApprover';
import { RelayCommands } from './relay/relayCommands';
import { RelayService } from './relay/relayService';
import { LocalSessions } from './sessions/localSessions';
import { openSessionReadOnly } from './sessions/openSession';
import { SessionsTree } from './sessions/sessionsTree';
import { SettingsService } from './settings';
import { ActiveShares } from './sharing/activeShares';
import { ShareCommands } from './sharing/shareCommands';
import { ShareRecords } from './sharing/shareRecords';
import { ShareService } from './sharing/shareService';
import { WindowShares, restoreWindowShares } from './sharing/windowShares';
import { SharingStatusBar } from './statusBar';
import { pickSharedLink } from './sharedWithMe/openSharedSession';
import { SharedLinks } from './sharedWithMe/sharedLinks';
import { SharedTree } from './sharedWithMe/sharedTree';
import { ViewerPanels } from './webview/viewerPanels';
import { ViewerView } from './webview/viewerView';
import { ViewerIdentity } from './webview/viewerIdentity';

/** After a reload the previous extension host may still hold a share's lease while it exits. */
const RESTORE_WAIT_MS = 15_000;

export type Tandem = { api: TandemApi; shutdown(): Promise<void> };

/** The composition root: constructs every service once, hands dependencies through constructors, owns them all. */
export function createTandem(context: vscode.ExtensionContext): Tandem {
  const owned = new DisposableStore();
  context.subscriptions.push(owned);
  const log = owned.add(createLog());
  const settings = owned.add(new SettingsService(log));

  const relay = owned.add(new RelayService(context, settings, log));
  const shares = owned.add(new ActiveShares());
  const localSessions = owned.add(new LocalSessions(settings, log));
  const sessionsTree = owned.add(new SessionsTree(localSessions, shares));
  const approver = owned.add(new RemotePromptApprover(settings, log));
  const toolRequests = owned.add(new ToolRequestApprover(log));
  const inbox = owned.add(new PendingInbox([approver, toolRequests]));
  owned.add(new SharingStatusBar(shares, inbox));
  owned.add(new PendingBadge(inbox, sessionsTree.view));
  owned.add(shares.onDidChange(() => setContext('tandem.sharing', shares.all.length > 0)));
  owned.add(relay.onDidChange(() => setContext('tandem.relayRunning', relay.embeddedUrl !== undefined)));
  setContext('tandem.sharing', false);
  setContext('tandem.relayRunning', false);
  setContext('tandem.viewerHasLink', false);

  const sharedLinks = owned.add(new SharedLinks(context.secrets, log));
  owned.add(new SharedTree(sharedLinks));
  void sharedLinks.load().catch((e) => log.error('Shared with me: loading the saved links failed', e));

  const viewerIdentity = new ViewerIdentity(context.globalState);
  const viewer = owned.add(new ViewerView(context.extensionUri, inbox, log, viewerIdentity));
  // Show on a tool request's notification: that share in the sidebar viewer, whose cards answer it too
  owned.add(toolRequests.onDidAskToShow((shareId) => {
    const share = shares.all.find((s) => s.shareId === shareId);
    if (share) void viewer.open(share.links.observer).catch((e) => log.error('viewer', e));
  }));
  const windowShares = new WindowShares(context.workspaceState);
  const shareService = owned.add(new ShareService(context, settings, relay, new ShareRecords(context.secrets, log), shares, approver, toolRequests, windowShares, log));
  void restoreWindowShares({ windowShares, listSessions: () => localSessions.refresh().then(() => localSessions.sessions), share: (s) => shareService.share(s, { waitForPreviousHostMs: RESTORE_WAIT_MS }), policy: () => settings.current.sharing.restore, log });
  const sharing = new ShareCommands(localSessions, shares, shareService);
  const panels = owned.add(new ViewerPanels(context.extensionUri, inbox, log, viewerIdentity));
  owned.add(viewer.onDidChangeStatus((s) => viewer.currentLink && sharedLinks.setStatus(viewer.currentLink, s)));
  owned.add(panels.onDidChangeStatus(({ link, status }) => sharedLinks.setStatus(link, status)));

  const continueHere = new ContinueHere(sharedLinks, settings, log);
  const relayCommands = new RelayCommands(relay, shares, settings);
  for (const d of registerCommands(
    {
      'tandem.shareSession': (arg) => sharing.share(arg),
      'tandem.stopSharing': (arg) => sharing.stop(arg),
      'tandem.copyObserverLink': (arg) => sharing.copy('observer', arg),
      'tandem.copyPrompterLink': (arg) => sharing.copy('prompter', arg),
      'tandem.copyHandoffLink': (arg) => sharing.copy('handoff', arg),
      'tandem.openSession': (arg) => openSessionReadOnly(arg, sharing, settings, viewer, log),
      'tandem.openSharedSession': async (arg) => {
        const shared = await pickSharedLink(sharedLinks, arg);
        if (shared) await viewer.open(shared.link);
      },
      // from a Shared with me item, or the viewer's title bar (its current link)
      'tandem.openInEditor': async (arg) => {
        const shared = await pickSharedLink(sharedLinks, arg ?? viewer.currentLink);
        if (shared) await panels.open(shared.link, shared.title);
      },
      'tandem.continueHere': (arg) => continueHere.run(arg),
      'tandem.removeSharedLink': async (arg) => {
        const link = typeof arg === 'string' ? arg : (arg as { link?: unknown } | undefined)?.link;
        if (typeof link !== 'string' || !(await sharedLinks.remove(link))) throw new UserFacingError(vscode.l10n.t('Pick a link under Shared with me to remove it.'));
      },
      'tandem.showPending': () => answerPending(inbox),
      'tandem.startRelay': () => relayCommands.start(),
      'tandem.stopRelay': () => relayCommands.stop(),
      'tandem.showLog': () => log.show(),
      'tandem.refreshSessions': () => localSessions.refresh(),
    },
    log,
  ))
    owned.add(d);
  log.info(`activated (${vscode.env.appName} ${vscode.version}, ${vscode.env.remoteName ?? 'local'} window)`);

  const api: TandemApi = {
    logFolder: () => context.logUri.fsPath,
    relayUrl: () => relay.embeddedUrl,
    settings: () => settings.current,
    sessions: () => sessionsTree.projects(),
    sessionsMessage: () => localSessions.error,
    refreshSessions: () => localSessions.refresh(),
    sharedWithMe: () => sharedLinks.all.map(sharedLinkWithoutToken),
    pendingApprovals: () => approver.approvals.map(({ request }) => ({ author: request.prompt.author, project: request.project, text: request.prompt.text })),
    pendingToolRequests: () => toolRequests.requests.map(({ approval, author }) => ({ id: approval.id, promptId: approval.promptId, toolName: approval.toolName, command: approval.command, author })),
    sessionLabels: () => sessionsTree.projects().map((p) => ({ folder: p.folder, ...sessionsTree.label(p) })),
    viewer: {
      status: () => viewer.status,
      link: () => withoutToken(viewer.currentLink),
      localSessionId: () => viewer.localSession?.sessionId,
      onDidChangeStatus: viewer.onDidChangeStatus,
      tabs: () => panels.all.map((t) => ({ ...t, link: withoutToken(t.link) })),
    },
  };
  // Deactivation awaits this: shares disconnect; the local relay (the agent) stays for other windows and viewers.
  const shutdown = () => shareService.disconnectAll();
  return { api, shutdown };
}
