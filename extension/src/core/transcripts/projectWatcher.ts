import { watch, type FSWatcher } from 'chokidar';
import path from 'node:path';
import { classifyProjectPath, isOutsideSessions, type ProjectFile } from './projectPaths';

// Watches the projects folder (or one project folder in it) for session files appearing, changing
// and disappearing: new sessions for pickers, new subagent transcripts and tool-results for a
// publisher. Native events only (usePolling: false), so thousands of idle transcripts cost nothing.
// Change events are throttled by chokidar (50 ms, trailing events dropped): they are hints, and a
// publisher reads its files through FileFollower for the hot path.

export type ProjectEvent = {
  type: 'add' | 'change' | 'unlink';
  /** absolute path */
  path: string;
  file: ProjectFile;
};

export type ProjectWatcherOptions = {
  projectsDir: string;
  /** watch only this project folder */
  folder?: string;
  onError?: (message: string) => void;
};

export class ProjectWatcher {
  /** resolves once the initial scan is done and events are live */
  readonly ready: Promise<void>;
  private readonly watcher: FSWatcher;
  private readonly listeners = new Set<(e: ProjectEvent) => void>();
  private disposed = false;

  constructor(private readonly options: ProjectWatcherOptions) {
    const root = options.projectsDir;
    const target = options.folder ? path.join(root, options.folder) : root;
    this.watcher = watch(target, {
      ignoreInitial: true,
      usePolling: false,
      // projects/<folder>/<sessionId>/subagents/<file> is the deepest layout we care about
      depth: options.folder ? 2 : 3,
      ignored: (p: string) => isOutsideSessions(path.relative(root, p)),
    });
    this.ready = new Promise((resolve) => this.watcher.once('ready', () => resolve()));
    for (const type of ['add', 'change', 'unlink'] as const) {
      this.watcher.on(type, (p: string) => this.emit(type, p));
    }
    this.watcher.on('error', (e: unknown) => options.onError?.(`watching ${target} failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Subscribes to events about session files; dispose the result to unsubscribe. */
  onEvent(listener: (e: ProjectEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(type: ProjectEvent['type'], p: string): void {
    const file = classifyProjectPath(path.relative(this.options.projectsDir, p));
    if (!file || this.disposed) return;
    for (const listener of [...this.listeners]) listener({ type, path: p, file });
  }

  /** Stops watching. Idempotent; the returned promise settles when chokidar has closed. */
  dispose(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.disposed = true;
    this.listeners.clear();
    return this.watcher.close();
  }
}
