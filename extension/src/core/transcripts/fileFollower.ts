import fs from 'node:fs';

// Runs a reader whenever one file changes, with no delay on the hot path: a direct fs.watch on the
// file (chokidar throttles change events to one per 50 ms and drops the rest, which would lose the
// last write of a burst until the next one), plus poke() for events seen elsewhere (the project
// watcher's add/unlink, a replaced file). Runs never overlap; changes during a run cause one more run.

export type FileFollowerOptions = {
  /** told when the file cannot be watched (the follower then relies on poke()) or a run failed */
  onError: (message: string) => void;
};

export class FileFollower {
  private watcher: fs.FSWatcher | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private disposed = false;

  constructor(
    readonly path: string,
    private readonly run: () => Promise<void>,
    private readonly options: FileFollowerOptions,
  ) {}

  /** Starts watching and runs the reader once; resolves when that first run is done. */
  start(): Promise<void> {
    this.arm();
    return this.poke();
  }

  /** Asks for a run; resolves when a run that started after this call has finished. */
  poke(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop();
    return this.running;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.run().catch((e: unknown) => this.options.onError(`reading ${this.path} failed: ${e instanceof Error ? e.message : String(e)}`));
        // A replaced or re-created file needs a new watch (the old one followed the old inode).
        if (!this.watcher) this.arm();
      } while (this.again && !this.disposed);
    } finally {
      this.running = undefined;
    }
  }

  private arm(): void {
    if (this.disposed || this.watcher) return;
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(this.path, (event) => {
        if (event === 'rename') this.disarm();
        void this.poke();
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.options.onError(`cannot watch ${this.path}: ${(e as Error).message}`);
      return;
    }
    watcher.on('error', (e) => {
      this.disarm();
      this.options.onError(`stopped watching ${this.path}: ${e.message}`);
    });
    this.watcher = watcher;
  }

  private disarm(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Stops watching; a run in progress finishes, no new one starts. Idempotent. */
  dispose(): void {
    this.disposed = true;
    this.disarm();
  }
}
