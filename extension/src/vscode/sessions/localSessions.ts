import * as vscode from 'vscode';
import { listSessions, type SessionSummary } from '../../core/transcripts/catalog';
import { ClaudeDirError, projectsDir, resolveClaudeDir } from '../../core/transcripts/claudeDir';
import { ProjectWatcher } from '../../core/transcripts/projectWatcher';
import { Disposable, toDisposable, type DisposableLike } from '../lifecycle';
import type { Logger } from '../log';
import type { SettingsService } from '../settings';

// After a file event, wait this long for more before re-listing (a live session writes many lines a second),
// and re-list at most this often: listing reads each transcript of a project once.
const SETTLE_MS = 500;
const MIN_INTERVAL_MS = 3000;

type Pending = { all: boolean; folders: Set<string> };

/**
 * The local sessions (core/transcripts' catalog) for the Sessions view, kept current by core's ProjectWatcher:
 * a file event re-lists only its project folder. Lists only while someone looks (`setVisible`); follows the
 * Claude folder setting.
 */
export class LocalSessions extends Disposable {
  private list: SessionSummary[] = [];
  private problem: string | undefined;
  private missing = false;
  private watcher: DisposableLike | undefined;
  private visible = false;
  /** what changed since the last listing; `all` until the first one */
  private pending: Pending = { all: true, folders: new Set() };
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastListedAt = 0;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly settings: SettingsService,
    private readonly log: Logger,
  ) {
    super();
    this.register(
      settings.onDidChange(() => {
        this.rewatch();
        void this.refresh();
      }),
    );
    this.register(toDisposable(() => clearTimeout(this.timer)));
    this.register(toDisposable(() => void this.watcher?.dispose()));
  }

  get sessions(): readonly SessionSummary[] {
    return this.list;
  }

  /** Why the list is empty when it cannot be read (no Claude folder…), in words. */
  get error(): string | undefined {
    return this.problem;
  }

  /** The Claude folder (or its projects/) does not exist: nothing to list until the user points at one. */
  get claudeFolderMissing(): boolean {
    return this.missing;
  }

  /** The view shows or hides: catch up when it appears. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && !this.watcher) this.rewatch();
    if (visible && (this.pending.all || this.pending.folders.size)) void this.update();
  }

  /** Lists every project again; resolves when the list is current. */
  refresh(): Promise<void> {
    this.pending.all = true;
    return this.update();
  }

  /** Applies what is pending (after a listing in progress); resolves when the list is current. */
  private async update(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
    if (!this.pending.all && this.pending.folders.size === 0) return;
    const work = this.pending;
    this.pending = { all: false, folders: new Set() };
    this.running = this.listNow(work).finally(() => (this.running = undefined));
    await this.running;
  }

  private async listNow(work: Pending): Promise<void> {
    this.lastListedAt = Date.now();
    const claudeDir = this.settings.current.claudeFolder;
    try {
      if (work.all) {
        const { sessions, diagnostics } = await listSessions({ claudeDir });
        this.list = sessions;
        if (diagnostics.length) this.log.debug(`sessions: ${diagnostics.length} problems while listing (first: ${diagnostics[0].message})`);
      } else {
        const fresh = await Promise.all([...work.folders].map((project) => listSessions({ claudeDir, project }).then((c) => c.sessions.filter((s) => s.projectFolder === project))));
        this.list = [...this.list.filter((s) => !work.folders.has(s.projectFolder)), ...fresh.flat()].sort((a, b) => b.lastActivity - a.lastActivity || b.modifiedAt - a.modifiedAt);
      }
      this.problem = undefined;
      this.missing = false;
    } catch (e) {
      this.list = [];
      this.problem = e instanceof Error ? e.message : String(e);
      this.missing = e instanceof ClaudeDirError;
      this.log.warn(`sessions: ${this.problem}`);
    }
    if (!this.isDisposed) this.changed.fire();
  }

  private rewatch(): void {
    void this.watcher?.dispose();
    const dir = projectsDir(resolveClaudeDir({ claudeDir: this.settings.current.claudeFolder }).dir);
    const watcher = new ProjectWatcher({ projectsDir: dir, onError: (m) => this.log.warn(`sessions: ${m}`) });
    watcher.onEvent((e) => {
      if (e.file.kind !== 'session' && e.file.kind !== 'subagent') return;
      this.pending.folders.add(e.file.folder);
      this.schedule();
    });
    this.watcher = watcher;
  }

  private schedule(): void {
    if (!this.visible || this.timer) return;
    const wait = Math.max(SETTLE_MS, this.lastListedAt + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => void this.update(), wait);
  }
}
