import * as vscode from 'vscode';
import { LIVE_WINDOW_MS, type SessionSummary } from '../../core/transcripts/catalog';
import { setContext } from '../contextKeys';
import { Disposable } from '../lifecycle';
import type { LocalSessions } from './localSessions';
import { projectLabels, type ProjectLabel } from './projectLabels';

export const SESSIONS_VIEW_ID = 'tandem.sessions';
// Live marks expire without any file event (a session goes quiet): redraw this often while visible.
const REDRAW_MS = 30_000;

/** The catalog's rule (written within LIVE_WINDOW_MS), applied now rather than when the list was read. */
const isLive = (s: SessionSummary, now = Date.now()) => now - s.modifiedAt <= LIVE_WINDOW_MS;

export type ProjectNode = { kind: 'project'; folder: string; cwd: string | undefined; sessions: SessionSummary[] };
export type SessionNode = { kind: 'session'; session: SessionSummary };
export type SessionsTreeNode = ProjectNode | SessionNode;

/** Whether a session is being shared right now (the sharing service; marks items and enables their menus). */
export type SharingMarks = { isShared(sessionId: string): boolean; readonly onDidChange: vscode.Event<void> };

/** The Sessions view: local sessions grouped by project, newest first, live ones marked. */
export class SessionsTree extends Disposable implements vscode.TreeDataProvider<SessionsTreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<SessionsTreeNode>;
  private labels = new Map<string, ProjectLabel>();

  constructor(
    private readonly sessions: LocalSessions,
    private readonly sharing: SharingMarks,
  ) {
    super();
    this.view = this.register(vscode.window.createTreeView(SESSIONS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true }));
    this.register(sessions.onDidChange(() => this.update()));
    this.register(sharing.onDidChange(() => this.changed.fire()));
    this.register(this.view.onDidChangeVisibility((e) => sessions.setVisible(e.visible)));
    const redraw = setInterval(() => this.view.visible && this.changed.fire(), REDRAW_MS);
    this.register({ dispose: () => clearInterval(redraw) });
    sessions.setVisible(this.view.visible);
    setContext('tandem.sessionsState', 'loading');
  }

  /** The projects, ordered by their newest session. */
  projects(): ProjectNode[] {
    const byFolder = new Map<string, ProjectNode>();
    for (const s of this.sessions.sessions) {
      let node = byFolder.get(s.projectFolder);
      if (!node) byFolder.set(s.projectFolder, (node = { kind: 'project', folder: s.projectFolder, cwd: s.cwd, sessions: [] }));
      node.cwd ??= s.cwd;
      node.sessions.push(s);
    }
    return [...byFolder.values()];
  }

  /** How the view names a project group: its folder name, with more of the path where two would read the same. */
  label(project: ProjectNode): ProjectLabel {
    return this.labels.get(project.folder) ?? { label: project.folder };
  }

  getChildren(node?: SessionsTreeNode): SessionsTreeNode[] {
    if (!node) return this.projects();
    return node.kind === 'project' ? node.sessions.map((session) => ({ kind: 'session', session })) : [];
  }

  getTreeItem(node: SessionsTreeNode): vscode.TreeItem {
    return node.kind === 'project' ? this.projectItem(node) : this.sessionItem(node.session);
  }

  private projectItem(p: ProjectNode): vscode.TreeItem {
    const live = p.sessions.filter((s) => isLive(s)).length;
    const { label, description } = this.label(p);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `project:${p.folder}`;
    const count = p.sessions.length === 1 ? vscode.l10n.t('1 session') : vscode.l10n.t('{0} sessions', p.sessions.length);
    item.description = [count, live ? vscode.l10n.t('{0} live', live) : '', description].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString().appendText(p.cwd ?? p.folder).appendMarkdown('\n\n').appendText(vscode.l10n.t('Claude Code project folder: {0}', p.folder));
    item.iconPath = vscode.ThemeIcon.Folder;
    item.contextValue = 'project';
    return item;
  }

  private sessionItem(s: SessionSummary): vscode.TreeItem {
    const shared = this.sharing.isShared(s.sessionId);
    const live = isLive(s);
    const item = new vscode.TreeItem(s.title ?? `Session ${s.sessionId.slice(0, 8)}`);
    item.id = `session:${s.projectFolder}/${s.sessionId}`;
    item.description = [live ? vscode.l10n.t('live') : '', shared ? vscode.l10n.t('shared') : '', relativeTime(s.lastActivity)].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString(
      [`**${s.title ?? s.sessionId}**`, `\`${s.sessionId}\``, s.cwd, `${s.lines} lines${s.subagents ? `, ${s.subagents} subagents` : ''}`, s.gitBranch && `branch ${s.gitBranch}`, s.version && `Claude Code ${s.version}`]
        .filter(Boolean)
        .join('\n\n'),
    );
    item.iconPath = new vscode.ThemeIcon(shared ? 'broadcast' : live ? 'circle-filled' : 'circle-outline', live ? new vscode.ThemeColor('charts.green') : undefined);
    // session.shared enables Copy Link / Stop Sharing; orphans (no main transcript) cannot be shared
    item.contextValue = s.orphan ? 'orphan' : shared ? 'session.shared' : 'session';
    // a click reads the session here, read-only; sharing stays its own, explicit act
    if (!s.orphan) item.command = { command: 'tandem.openSession', title: vscode.l10n.t('Open Read-Only'), arguments: [{ kind: 'session', session: s } satisfies SessionNode] };
    return item;
  }

  private update(): void {
    this.labels = projectLabels(this.projects());
    const missing = this.sessions.claudeFolderMissing;
    // a missing Claude folder has its own welcome (with a button to the setting); other problems are told here
    this.view.message = missing ? undefined : this.sessions.error;
    setContext('tandem.sessionsState', missing ? 'missing' : this.sessions.sessions.length ? 'listed' : this.sessions.error ? 'failed' : 'empty');
    this.changed.fire();
  }
}

function relativeTime(ms: number, now = Date.now()): string {
  const minutes = Math.round((now - ms) / 60_000);
  if (minutes < 1) return vscode.l10n.t('just now');
  if (minutes < 60) return vscode.l10n.t('{0} min ago', minutes);
  const hours = Math.round(minutes / 60);
  if (hours < 48) return vscode.l10n.t('{0} h ago', hours);
  return new Date(ms).toLocaleDateString();
}
