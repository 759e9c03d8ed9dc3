import * as vscode from 'vscode';
import { listSessions, type SessionSummary } from '../../core/transcripts/catalog';
import { projectsDir, resolveClaudeDir } from '../../core/transcripts/claudeDir';
import { ProjectWatcher } from '../../core/transcripts/projectWatcher';
import { Disposable, toDisposable, type DisposableLike } from '../lifecycle';
import type { Logger } from '../log';
import type { SettingsService } from '../settings';

// After a file event, wait this long for more before re-listing (a live session writes many lines a second),
// and re-list at most this often: listing reads every transcript once.
const SETTLE_MS = 500;
const MIN_INTERVAL_MS = 3000;

/**
 * The local sessions (core/transcripts' catalog) for the Sessions view, kept current by core's ProjectWatcher.
 * Lists only while someone looks (`setVisible`); follows the Claude folder setting.
 */
export class LocalSessions extends Disposable {
  private list: SessionSummary[] = [];
  private problem: string | undefined;
  private watcher: DisposableLike | undefined;
  private visible = false;
  private stale = true;
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

  /** The view shows or hides: list when it appears if anything changed while it was hidden. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && !this.watcher) this.rewatch();
    if (visible && this.stale) void this.refresh();
  }

  /** Lists now (or right after a listing in progress) and resolves when the list is current. */
  async refresh(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) {
      this.stale = true;
      await this.running;
      if (this.stale) return this.refresh();
      return;
    }
    this.stale = false;
    this.running = this.listNow().finally(() => (this.running = undefined));
    await this.running;
  }

  private async listNow(): Promise<void> {
    this.lastListedAt = Date.now();
    try {
      const { sessions, diagnostics } = await listSessions({ claudeDir: this.settings.current.claudeFolder });
      this.list = sessions;
      this.problem = undefined;
      if (diagnostics.length) this.log.debug(`sessions: ${diagnostics.length} problems while listing (first: ${diagnostics[0].message})`);
    } catch (e) {
      this.list = [];
      this.problem = e instanceof Error ? e.message : String(e);
      this.log.warn(`sessions: ${this.problem}`);
    }
    if (!this.isDisposed) this.changed.fire();
  }

  private rewatch(): void {
    void this.watcher?.dispose();
    const dir = projectsDir(resolveClaudeDir({ claudeDir: this.settings.current.claudeFolder }).dir);
    const watcher = new ProjectWatcher({ projectsDir: dir, onError: (m) => this.log.warn(`sessions: ${m}`) });
    watcher.onEvent((e) => {
      if (e.file.kind === 'session' || e.file.kind === 'subagent') this.schedule();
    });
    this.watcher = watcher;
  }

  private schedule(): void {
    this.stale = true;
    if (!this.visible || this.timer) return;
    const wait = Math.max(SETTLE_MS, this.lastListedAt + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => void this.refresh(), wait);
  }
}
