import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { Origin, PresenceState, readLines, readMeta, setMeta, transcriptRoom, type RunStatus } from '../../../../protocol/src';
import { ShareConnection } from '../../../../protocol/src/connector';
import { PromptRunner, type Approver, type ClaudeSettings, type Logger, type PromptPolicy, type SessionSwitch, type ToolApprovalSettings } from '../prompts';
import type { ProcessPool } from '../prompts/processPool';
import { findTranscript } from '../prompts/transcriptLeaf';
import { projectsDir } from '../transcripts/claudeDir';
import { nodeSocketFactory } from './nodeSocket';
import { assertRelayReachable } from './relayReachable';
import { SessionPublisher } from './sessionPublisher';

// The host side of one share (DESIGN.md §3–§5), used by `tandem share` and the extension: connects
// both rooms with the host token, waits for what the relay already holds (so a restarted host
// continues the document instead of publishing the session twice), publishes the session into the
// transcript room, and runs queued prompts with the host's approver. When Claude Code forks the
// session during a replay, the share follows the new transcript.
//
// Handoff: another machine holding the handoff link (the host capability) can take over. Each host
// writes its own `hostId` into meta; a host that sees another id there steps down (stops publishing
// and running prompts) and says who took over. A host whose local copy is behind the shared one
// refuses to start instead of rolling the shared transcript back: it must pull first.

const FIRST_PUBLISH_WAIT_MS = 10_000;

export type ShareHostOptions = {
  relayUrl: string;
  shareId: string;
  hostToken: string;
  /** the relay's access key, when it requires one to open a share */
  accessKey?: string;
  claudeDir: string;
  projectFolder: string;
  sessionId: string;
  /** the session's working directory on the host: prompts replay there */
  cwd: string;
  hostLabel?: string;
  promptPolicy: PromptPolicy;
  approver: Approver;
  /** who answers Claude Code's tool requests; default: the host only */
  toolApprovals?: ToolApprovalSettings;
  /** the host-wide cap on Claude Code processes (one pool for all shares of this host) */
  processPool?: ProcessPool;
  claude: ClaudeSettings;
  newSessionProjects?: readonly string[];
  /** where the runner notes each prompt before it starts (restart safety) */
  journalPath: string;
  log: Logger;
  /** give up when the relay has not answered within this long (default 20 s) */
  syncTimeoutMs?: number;
  onRunStatus?: (status: RunStatus) => void;
  /** another host took the share over; this one has stopped */
  onSuperseded?: (by: { hostLabel?: string }) => void;
};

export class ShareHost {
  /** made once the relay's copy is in: the publisher compares the file with what the document already holds */
  private publisher?: SessionPublisher;
  private runner?: PromptRunner;
  private sessionId: string;
  private projectFolder: string;
  private disposed = false;
  private readonly hostId = crypto.randomBytes(9).toString('base64url');

  private constructor(
    private readonly opts: ShareHostOptions,
    readonly docs: { transcript: Y.Doc; queue: Y.Doc },
    private readonly awareness: Awareness,
    readonly connection: ShareConnection,
  ) {
    this.sessionId = opts.sessionId;
    this.projectFolder = opts.projectFolder;
  }

  /** Connects, publishes and starts the runner; rejects with a message a person can act on. */
  static async start(opts: ShareHostOptions): Promise<ShareHost> {
    await assertRelayReachable(opts.relayUrl);
    const docs = { transcript: new Y.Doc(), queue: new Y.Doc() };
    const awareness = new Awareness(docs.transcript);
    const presence: PresenceState = { user: { name: opts.hostLabel ?? 'host', role: 'host', client: 'host' } };
    awareness.setLocalState(presence);
    const connection = new ShareConnection({
      relayUrl: opts.relayUrl,
      shareId: opts.shareId,
      token: opts.hostToken,
      accessKey: opts.accessKey,
      docs,
      awareness: { transcript: awareness },
      socket: nodeSocketFactory,
    });
    const host = new ShareHost(opts, docs, awareness, connection);
    try {
      await host.waitForRelay();
      await host.refuseIfBehind();
      setMeta(docs.transcript, { hostId: host.hostId, hostLabel: opts.hostLabel, promptPolicy: opts.promptPolicy, toolApprovals: opts.toolApprovals?.policy ?? 'host', newSessionProjects: [...(opts.newSessionProjects ?? [])] }, Origin.tail);
      host.watchForTakeover();
      host.publisher = host.newPublisher();
      await host.publisher.start();
      // links go out once the relay holds the session, so whoever opens one first reads it all (a slow
      // relay delays them by at most FIRST_PUBLISH_WAIT_MS; the publish goes on either way)
      await Promise.race([connection.transcript.flush(), new Promise((resolve) => setTimeout(resolve, FIRST_PUBLISH_WAIT_MS).unref())]);
      host.runner = await PromptRunner.start({
        transcriptDoc: docs.transcript,
        queueDoc: docs.queue,
        sessionId: opts.sessionId,
        cwd: opts.cwd,
        claudeDir: opts.claudeDir,
        claude: opts.claude,
        approver: opts.approver,
        toolApprovals: opts.toolApprovals,
        processPool: opts.processPool,
        log: opts.log,
        newSessionProjects: opts.newSessionProjects,
        journalPath: opts.journalPath,
        transcriptPath: () => host.transcriptPath,
        onSessionSwitch: (e) => host.follow(e),
        untilPublished: () => host.publisher?.caughtUp() ?? Promise.resolve(),
        onStatus: opts.onRunStatus,
      });
    } catch (e) {
      await host.stop({ ended: false });
      throw e;
    }
    return host;
  }

  get currentSessionId(): string {
    return this.sessionId;
  }

  get transcriptPath(): string {
    return path.join(projectsDir(this.opts.claudeDir), this.projectFolder, `${this.sessionId}.jsonl`);
  }

  /** People watching the share right now (their presence on the transcript room); hosts are not counted. */
  viewers(): PresenceState['user'][] {
    const out: PresenceState['user'][] = [];
    this.awareness.getStates().forEach((state, id) => {
      if (id === this.awareness.clientID) return;
      const p = PresenceState.safeParse(state);
      if (p.success && p.data.user.client !== 'host') out.push(p.data.user);
    });
    return out;
  }

  onViewersChange(listener: () => void): () => void {
    this.awareness.on('change', listener);
    return () => this.awareness.off('change', listener);
  }

  /** Stops publishing and running prompts; with `ended`, tells viewers the session is over first. Idempotent. */
  async stop({ ended }: { ended: boolean }): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (ended) this.publisher?.markEnded();
    await this.runner?.dispose();
    // what was written last (ended, interrupted runs) reaches the relay before the socket closes, if it is up
    await Promise.race([this.connection.transcript.flush(), new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    this.publisher?.dispose();
    this.awareness.setLocalState(null);
    this.connection.dispose();
    this.awareness.destroy();
  }

  /** The shared transcript went on elsewhere and this machine's file is an older prefix of it. */
  private async refuseIfBehind(): Promise<void> {
    const shared = readLines(this.docs.transcript);
    if (shared.length === 0) return;
    const text = await fs.readFile(this.transcriptPath, 'utf8').catch(() => undefined);
    if (text === undefined) return;
    const local = text.split('\n');
    local.pop(); // the text after the last newline is not a line yet
    if (local.length < shared.length && local.every((line, i) => line === shared[i])) {
      const where = readMeta(this.docs.transcript).hostLabel ?? 'another machine';
      throw new Error(
        `the shared session continued on ${where}: it has ${shared.length - local.length} lines this machine's copy lacks. ` +
          'Bring them here first with `tandem pull <handoff link>`, then share again.',
      );
    }
  }

  private watchForTakeover(): void {
    const meta = transcriptRoom(this.docs.transcript).meta;
    const check = () => {
      const now = readMeta(this.docs.transcript);
      if (this.disposed || now.hostId === undefined || now.hostId === this.hostId) return;
      meta.unobserve(check);
      void this.stop({ ended: false }).then(() => this.opts.onSuperseded?.({ hostLabel: now.hostLabel }));
    };
    meta.observe(check);
  }

  private newPublisher(): SessionPublisher {
    const { claudeDir, hostLabel, log } = this.opts;
    return new SessionPublisher({ claudeDir, projectFolder: this.projectFolder, sessionId: this.sessionId, doc: this.docs.transcript, hostLabel, log });
  }

  private async waitForRelay(): Promise<void> {
    let lastReason = '';
    const off = this.connection.onStatus((s) => {
      if (s.state === 'offline') lastReason = s.reason;
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.connection.whenSynced().catch((e: Error) => {
          throw new Error(`the relay at ${this.opts.relayUrl} refused the host: ${e.message}`);
        }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the relay at ${this.opts.relayUrl} did not answer (${lastReason || 'no answer'}); check the URL and that it is running`)), this.opts.syncTimeoutMs ?? 20_000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      off();
    }
  }

  /** Claude Code wrote the replay under a new session id: publish that transcript from now on. */
  private async follow(e: SessionSwitch): Promise<void> {
    if (e.reason !== 'fork' || this.disposed) return;
    const folder = await findSessionFolder(this.opts.claudeDir, e.sessionId);
    if (!folder || this.disposed) {
      this.opts.log.warn(`Claude Code continued the shared session as ${e.sessionId}, but its transcript was not found; still sharing ${this.sessionId}`);
      return;
    }
    this.opts.log.info(`Claude Code forked the shared session: now sharing ${e.sessionId}`);
    this.publisher?.dispose();
    this.sessionId = e.sessionId;
    this.projectFolder = folder;
    this.publisher = this.newPublisher();
    await this.publisher.start();
  }
}

/** The project folder holding `<sessionId>.jsonl`, found by listing (never computed from a cwd). */
async function findSessionFolder(claudeDir: string, sessionId: string): Promise<string | undefined> {
  const file = await findTranscript(claudeDir, sessionId);
  return file && path.basename(path.dirname(file));
}
