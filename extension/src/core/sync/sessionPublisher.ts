import fs from 'node:fs/promises';
import path from 'node:path';
import type * as Y from 'yjs';
import { z } from 'zod';
import { Origin, isSafeSidePath, transcriptRoom, type SessionMeta, type SessionState } from '../../../../protocol/src';
import { LIVE_WINDOW_MS } from '../transcripts/catalog';
import { projectsDir } from '../transcripts/claudeDir';
import { countDiagnostic, type Diagnostic, type DiagnosticCounts } from '../transcripts/diagnostics';
import { FileFollower } from '../transcripts/fileFollower';
import { flatAgentParent } from '../transcripts/flatAgent';
import { JsonlTail, TailCheckpoint, type TailUpdate } from '../transcripts/jsonlTail';
import { ProjectWatcher, type ProjectEvent } from '../transcripts/projectWatcher';
import { SessionFacts } from '../transcripts/sessionFacts';
import { listSideFiles, sideFileOf, type SideFile } from '../transcripts/sessionFiles';
import { DocBatch } from './docBatch';

// Publishes one Claude Code session into a transcript-room document (DESIGN.md §3): the main
// transcript's lines byte-exact, its side files (subagent transcripts as lines; tool-results, .meta.json
// and anything else under `<sessionId>/` as bytes; flat agent-*.jsonl files naming this session as
// lines), and meta (ids, cwd, title, branch, version, state, times). Every write is Origin.tail and
// what one event-loop turn found goes out as one transaction.
//
// State: `live` while the main file was written within the last two minutes, then `idle`; `ended`
// when the file is gone (lines already published stay); `error` while it cannot be read. Side files
// that disappear stay in the document (Claude Code's retention sweep is housekeeping, not an edit).

export const PublisherCheckpoint = z.object({
  main: TailCheckpoint.optional(),
  /** per side transcript, keyed by its side path */
  side: z.record(z.string(), TailCheckpoint).default({}),
});
export type PublisherCheckpoint = z.infer<typeof PublisherCheckpoint>;

export type PublisherLog = { debug(message: string): void; warn(message: string): void };

export type SessionPublisherOptions = {
  claudeDir: string;
  /** the folder under projects/, as found on disk (never computed from a cwd) */
  projectFolder: string;
  sessionId: string;
  doc: Y.Doc;
  /** from a previous run; used only when the document still holds exactly the lines it counts */
  checkpoint?: PublisherCheckpoint;
  hostLabel?: string;
  /** a watcher shared with others (on the projects folder or this project); else the publisher owns one */
  watcher?: ProjectWatcher;
  log?: PublisherLog;
  /** longer lines become a placeholder line (default 32 MiB, see jsonlTail.ts) */
  maxLineBytes?: number;
  /** larger side blobs are skipped with a diagnostic (default 32 MiB: one relay frame) */
  maxBlobBytes?: number;
  /** state goes from live to idle after this long without a write (default 2 min) */
  idleAfterMs?: number;
  /** bytes read per event-loop turn while catching up on a big file (default 8 MiB) */
  readBudgetBytes?: number;
};

const MiB = 1024 * 1024;

/** A JSONL file being published: its tail, its follower, and where the document has it up to. */
type LinesFile = {
  tail: JsonlTail;
  follower: FileFollower;
  checkpoint: TailCheckpoint | undefined;
  /** the next read must be compared with lines the document already holds (no usable checkpoint) */
  reconcile: boolean;
};
type BlobFile = { follower: FileFollower };

export class SessionPublisher {
  private readonly doc: Y.Doc;
  private readonly batch: DocBatch;
  private readonly projectDir: string;
  private readonly mainFile: string;
  private readonly main: LinesFile;
  private facts = new SessionFacts();
  /** the facts last written to meta, so a batch only carries what changed */
  private readonly published: Partial<SessionMeta> = {};
  /** what the side transcripts say: cwd, branch and version of a session whose main file is missing */
  private readonly sideFacts = new SessionFacts();
  private readonly sides = new Map<string, LinesFile | BlobFile>();
  private readonly undecided = new Map<string, FileFollower>();
  private readonly listeners = new Set<(d: Diagnostic) => void>();
  private readonly counts: DiagnosticCounts = {};
  private readonly reported = new Set<string>();
  private ownedWatcher: ProjectWatcher | undefined;
  private subscription: { dispose(): void } | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private state: SessionState | undefined;
  private started = false;
  /** set once the initial ingest is done: from then on, new lines mean the session is live */
  private following = false;
  private disposed = false;

  constructor(private readonly options: SessionPublisherOptions) {
    this.doc = options.doc;
    this.batch = new DocBatch(this.doc, Origin.tail);
    this.projectDir = path.join(projectsDir(options.claudeDir), options.projectFolder);
    this.mainFile = path.join(this.projectDir, `${options.sessionId}.jsonl`);
    // An empty document streams the file in; one that already has lines is reconciled with it.
    const existing = transcriptRoom(this.doc).lines.length;
    this.main = this.linesFile(this.mainFile, options.checkpoint?.main, existing, existing > 0, (u, reconcile) => this.applyMain(u, reconcile));
  }

  /** Publishes everything there is now, then keeps following. Rejects when the session does not exist. */
  async start(): Promise<void> {
    if (this.started) throw new Error('SessionPublisher.start() was already called');
    this.started = true;
    const { sessionId, projectFolder, hostLabel } = this.options;
    const exists = await Promise.all([fs.stat(this.mainFile), fs.stat(path.join(this.projectDir, sessionId))].map((p) => p.then(() => true, () => false)));
    if (!exists.includes(true)) {
      throw new Error(`No Claude Code session ${sessionId} in ${this.projectDir}: neither ${sessionId}.jsonl nor a ${sessionId}/ folder exists. Pick a session from \`tandem sessions\`.`);
    }
    this.batch.patchMeta({ sessionId, projectFolder, hostLabel });
    this.ownedWatcher = this.options.watcher ? undefined : new ProjectWatcher({ projectsDir: projectsDir(this.options.claudeDir), folder: projectFolder, onError: (m) => this.warn(m) });
    const watcher = this.options.watcher ?? this.ownedWatcher!;
    this.subscription = watcher.onEvent((e) => this.onProjectEvent(e));
    await watcher.ready;
    const listing = await listSideFiles(this.projectDir, sessionId);
    await this.main.follower.start();
    await Promise.all([...listing.files.map((f) => this.follow(f)), ...listing.undecided.map((f) => this.decide(f))]);
    this.following = true;
    await this.initialState();
    this.batch.flush();
  }

  /** live when the main file was written within the idle window (idle when that ends), else idle */
  private async initialState(): Promise<void> {
    if (this.state === 'ended' || this.state === 'error') return;
    const mtime = await fs.stat(this.mainFile).then((st) => st.mtimeMs, () => undefined);
    if (mtime === undefined) return this.setState('ended');
    this.markLive(this.idleAfterMs - (Date.now() - mtime));
  }

  /** Where a restart resumes; consistent with what was written to the document. */
  checkpoint(): PublisherCheckpoint {
    this.batch.flush();
    const side: Record<string, TailCheckpoint> = {};
    for (const [sidePath, f] of this.sides) if ('checkpoint' in f && f.checkpoint) side[sidePath] = f.checkpoint;
    return { main: this.main.checkpoint, side };
  }

  onDiagnostic(listener: (d: Diagnostic) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Diagnostics so far, by kind. */
  diagnosticCounts(): DiagnosticCounts {
    return { ...this.counts };
  }

  /** Reads the main transcript to its end now and writes what it found; resolves once the document has it. */
  async caughtUp(): Promise<void> {
    await this.main.follower.poke();
    this.batch.flush();
  }

  /** Marks the session ended (the host stopped sharing it, or knows it is over). */
  markEnded(): void {
    this.setState('ended');
    this.batch.flush();
  }

  /** Stops following and writes what was read; the state is left as it is. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.idleTimer);
    this.subscription?.dispose();
    this.main.follower.dispose();
    for (const f of this.sides.values()) f.follower.dispose();
    for (const f of this.undecided.values()) f.dispose();
    void this.ownedWatcher?.dispose();
    this.batch.dispose();
  }

  // ---- JSONL files ----------------------------------------------------------------------------------

  /**
   * A JSONL file to publish. It resumes from `checkpoint` when the document holds exactly the lines
   * the checkpoint counts (`docLines`); otherwise its first read is reconciled with the document if
   * `reconcileUnlessResumed`, or streamed in as appends.
   */
  private linesFile(
    file: string,
    checkpoint: TailCheckpoint | undefined,
    docLines: number | undefined,
    reconcileUnlessResumed: boolean,
    apply: (u: TailUpdate, reconcile: boolean) => void,
  ): LinesFile {
    const usable = checkpoint !== undefined && checkpoint.lines === docLines ? checkpoint : undefined;
    const f: LinesFile = {
      tail: new JsonlTail(file, { checkpoint: usable, maxLineBytes: this.options.maxLineBytes, onDiagnostic: (d) => this.report(d) }),
      checkpoint: usable,
      reconcile: !usable && reconcileUnlessResumed,
      follower: new FileFollower(file, () => this.drain(f, apply), { onError: (m) => this.warn(m) }),
    };
    return f;
  }

  /** Reads to the end of the file, one budget per event-loop turn (a reconciling read is whole). */
  private async drain(f: LinesFile, apply: (u: TailUpdate, reconcile: boolean) => void): Promise<void> {
    for (;;) {
      const reconcile = f.reconcile;
      const u = f.tail.read(reconcile ? Infinity : (this.options.readBudgetBytes ?? 8 * MiB));
      if (this.disposed) return;
      if (u.kind === 'append' || u.kind === 'rewrite') f.reconcile = false;
      apply(u, reconcile);
      f.checkpoint = f.tail.checkpoint();
      if (u.kind !== 'append' || !u.more) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private applyMain(u: TailUpdate, reconcile: boolean): void {
    if (u.kind === 'missing') return this.setState('ended');
    if (u.kind === 'unreadable') return this.setState('error', u.message);
    if (u.kind === 'rewrite' || reconcile) {
      this.facts = new SessionFacts();
      this.inspect(this.facts, this.mainFile, u.lines, 0);
      const from = this.batch.reconcileMain(u.lines);
      if (from !== undefined) this.options.log?.debug(`${this.mainFile}: replaced lines from ${from + 1} on`);
    } else {
      this.inspect(this.facts, this.mainFile, u.lines, u.firstLine);
      this.batch.appendMain(u.lines);
    }
    if (u.lines.length) this.markLive();
    this.patchFacts();
  }

  private inspect(facts: SessionFacts, file: string, lines: readonly string[], firstLine: number): void {
    for (const i of facts.observeLines(lines, firstLine)) this.reportNotJson(file, firstLine + i);
  }

  private patchFacts(): void {
    const f = this.facts;
    const patch: Partial<SessionMeta> = {};
    const cwd = f.cwd ?? this.sideFacts.cwd;
    const gitBranch = f.gitBranch ?? this.sideFacts.gitBranch;
    const version = f.version ?? this.sideFacts.version;
    if (cwd) patch.cwd = cwd;
    if (gitBranch) patch.gitBranch = gitBranch;
    if (version) patch.version = version;
    const title = f.title()?.title;
    if (title) patch.title = title;
    if (f.firstTimestamp !== undefined) patch.startedAt = f.firstTimestamp;
    if (f.lastTimestamp !== undefined) patch.updatedAt = f.lastTimestamp;
    const changed = Object.fromEntries(Object.entries(patch).filter(([k, v]) => this.published[k as keyof SessionMeta] !== v));
    if (Object.keys(changed).length === 0) return;
    Object.assign(this.published, changed);
    this.batch.patchMeta(changed);
  }

  // ---- state ----------------------------------------------------------------------------------------

  private markLive(forMs = this.idleAfterMs): void {
    if (!this.following || this.disposed) return;
    clearTimeout(this.idleTimer);
    if (forMs <= 0) return this.setState('idle');
    this.setState('live');
    this.idleTimer = setTimeout(() => this.setState('idle'), forMs);
    this.idleTimer.unref();
  }

  private get idleAfterMs(): number {
    return this.options.idleAfterMs ?? LIVE_WINDOW_MS;
  }

  private setState(state: SessionState, error?: string): void {
    if (this.state === state && state !== 'error') return;
    this.state = state;
    if (state !== 'live') clearTimeout(this.idleTimer);
    this.batch.patchMeta({ state, error });
  }

  // ---- side files -----------------------------------------------------------------------------------

  private onProjectEvent(e: ProjectEvent): void {
    if (this.disposed || e.file.folder !== this.options.projectFolder) return;
    if (e.file.kind === 'session') {
      if (e.file.sessionId === this.options.sessionId) void this.main.follower.poke();
      return;
    }
    if (e.file.kind !== 'flat-agent' && e.file.sessionId !== this.options.sessionId) return;
    const known = this.sides.get(e.file.sidePath) ?? (this.undecided.has(e.path) ? { follower: this.undecided.get(e.path)! } : undefined);
    if (known) void known.follower.poke();
    else if (e.type !== 'unlink' && e.file.kind === 'flat-agent') void this.decide(e.path);
    else if (e.type !== 'unlink') {
      const side = sideFileOf(this.options.projectFolder, path.relative(projectsDir(this.options.claudeDir), e.path), e.path);
      if (side) void this.follow(side);
    }
  }

  /** A flat agent file whose first line is not complete: check it on each change until it names a session. */
  private async decide(file: string): Promise<void> {
    if (this.undecided.has(file) || this.sides.has(path.basename(file))) return;
    const follower = new FileFollower(
      file,
      async () => {
        const parent = await flatAgentParent(file).catch(() => undefined);
        if (parent === undefined || this.disposed) return;
        follower.dispose();
        this.undecided.delete(file);
        if (parent === this.options.sessionId) await this.follow({ file, sidePath: path.basename(file), kind: 'lines' });
      },
      { onError: (m) => this.warn(m) },
    );
    this.undecided.set(file, follower);
    await follower.start();
  }

  private async follow(side: SideFile): Promise<void> {
    if (this.disposed || this.sides.has(side.sidePath)) return;
    if (!isSafeSidePath(side.sidePath)) {
      this.reportOnce({ kind: 'unsafe-path', file: side.file, message: `${side.file} has a name the document cannot carry safely; it is not shared` });
      return;
    }
    let followed: LinesFile | BlobFile;
    if (side.kind === 'blob') {
      followed = { follower: new FileFollower(side.file, () => this.readBlob(side), { onError: (m) => this.warn(m) }) };
    } else {
      // A side transcript is always reconciled first: the array is created even for an empty file.
      const docLines = transcriptRoom(this.doc).sideLines.get(side.sidePath)?.length;
      followed = this.linesFile(side.file, this.options.checkpoint?.side[side.sidePath], docLines, true, (u, reconcile) => this.applySide(side.sidePath, u, reconcile));
    }
    this.sides.set(side.sidePath, followed);
    await followed.follower.start();
  }

  private applySide(sidePath: string, u: TailUpdate, reconcile: boolean): void {
    if (u.kind === 'missing' || u.kind === 'unreadable') return;
    this.inspect(this.sideFacts, path.join(this.projectDir, sidePath), u.lines, u.kind === 'append' ? u.firstLine : 0);
    if (u.kind === 'rewrite' || reconcile) this.batch.reconcileSide(sidePath, u.lines);
    else this.batch.appendSide(sidePath, u.lines);
    if (u.lines.length) this.patchFacts();
  }

  private async readBlob(side: SideFile): Promise<void> {
    const max = this.options.maxBlobBytes ?? 32 * MiB;
    let bytes: Buffer;
    try {
      const st = await fs.stat(side.file);
      if (st.size > max) {
        this.reportOnce({ kind: 'file-too-large', file: side.file, message: `${side.file} is ${st.size} bytes, over the ${max}-byte cap for side files; it is not shared` });
        return;
      }
      bytes = await fs.readFile(side.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.report({ kind: 'unreadable', file: side.file, message: `cannot read ${side.file}: ${(e as Error).message}` });
      return;
    }
    if (this.disposed) return;
    const current = this.batch.blob(side.sidePath);
    if (!current || !Buffer.from(current.buffer, current.byteOffset, current.byteLength).equals(bytes)) this.batch.setBlob(side.sidePath, new Uint8Array(bytes));
  }

  // ---- diagnostics ----------------------------------------------------------------------------------

  private reportNotJson(file: string, line: number): void {
    this.report({ kind: 'not-json', file, line, message: `line ${line + 1} of ${file} is not a JSON object; it is carried verbatim` });
  }

  private reportOnce(d: Diagnostic): void {
    const key = `${d.kind}:${d.file}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.report(d);
  }

  private report(d: Diagnostic): void {
    countDiagnostic(this.counts, d.kind);
    if (d.line === undefined) this.warn(d.message);
    else this.options.log?.debug(d.message);
    for (const listener of [...this.listeners]) listener(d);
  }

  private warn(message: string): void {
    this.options.log?.warn(message);
  }
}
