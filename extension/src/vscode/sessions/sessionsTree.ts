import path from 'node:path';
import * as vscode from 'vscode';
import { LIVE_WINDOW_MS, type SessionSummary } from '../../core/transcripts/catalog';
import { Disposable } from '../lifecycle';
import type { LocalSessions } from './localSessions';

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

  getChildren(node?: SessionsTreeNode): SessionsTreeNode[] {
    if (!node) return this.projects();
    return node.kind === 'project' ? node.sessions.map((session) => ({ kind: 'session', session })) : [];
  }

  getTreeItem(node: SessionsTreeNode): vscode.TreeItem {
    return node.kind === 'project' ? this.projectItem(node) : this.sessionItem(node.session);
  }

  private projectItem(p: ProjectNode): vscode.TreeItem {
    const live = p.sessions.filter((s) => isLive(s)).length;
    const item = new vscode.TreeItem(p.cwd ? path.basename(p.cwd) : p.folder, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `project:${p.folder}`;
    item.description = [`${p.sessions.length} session${p.sessions.length === 1 ? '' : 's'}`, live ? `${live} live` : ''].filter(Boolean).join(' · ');
    item.tooltip = p.cwd ?? p.folder;
    item.iconPath = vscode.ThemeIcon.Folder;
    item.contextValue = 'project';
    return item;
  }

  private sessionItem(s: SessionSummary): vscode.TreeItem {
    const shared = this.sharing.isShared(s.sessionId);
    const live = isLive(s);
    const item = new vscode.TreeItem(s.title ?? `Session ${s.sessionId.slice(0, 8)}`);
    item.id = `session:${s.projectFolder}/${s.sessionId}`;
    item.description = [live ? 'live' : '', shared ? 'shared' : '', relativeTime(s.lastActivity)].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString(
      [`**${s.title ?? s.sessionId}**`, `\`${s.sessionId}\``, s.cwd, `${s.lines} lines${s.subagents ? `, ${s.subagents} subagents` : ''}`, s.gitBranch && `branch ${s.gitBranch}`, s.version && `Claude Code ${s.version}`]
        .filter(Boolean)
        .join('\n\n'),
    );
    item.iconPath = new vscode.ThemeIcon(shared ? 'broadcast' : live ? 'circle-filled' : 'circle-outline', live ? new vscode.ThemeColor('charts.green') : undefined);
    // session.shared enables Copy Link / Stop Sharing; orphans (no main transcript) cannot be shared
    item.contextValue = s.orphan ? 'orphan' : shared ? 'session.shared' : 'session';
    return item;
  }

  private update(): void {
    this.view.message = this.sessions.error;
    this.changed.fire();
  }
}

function relativeTime(ms: number, now = Date.now()): string {
  const minutes = Math.round((now - ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return new Date(ms).toLocaleDateString();
}
