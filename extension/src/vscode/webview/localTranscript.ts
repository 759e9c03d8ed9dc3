import * as Y from 'yjs';
import { SessionPublisher } from '../../core/sync/sessionPublisher';
import type { SessionSummary } from '../../core/transcripts/catalog';
import type { DisposableLike } from '../lifecycle';
import type { Logger } from '../log';

/**
 * One local session in a document of its own, for the viewer to read without sharing it: core's
 * SessionPublisher tails the transcript into a Y.Doc that no relay ever sees; the viewer gets its updates.
 */
export class LocalTranscript implements DisposableLike {
  readonly doc = new Y.Doc();
  private readonly publisher: SessionPublisher;
  private disposed = false;

  private constructor(
    readonly session: SessionSummary,
    claudeDir: string,
    log: Logger,
  ) {
    this.publisher = new SessionPublisher({ claudeDir, projectFolder: session.projectFolder, sessionId: session.sessionId, doc: this.doc, log });
  }

  static async open(session: SessionSummary, claudeDir: string, log: Logger): Promise<LocalTranscript> {
    const t = new LocalTranscript(session, claudeDir, log);
    try {
      await t.publisher.start();
    } catch (e) {
      t.dispose();
      throw e;
    }
    return t;
  }

  /** Everything the document holds, as one update. */
  state(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  /** Calls `listener` with each later change; returns its unsubscribe. */
  onUpdate(listener: (update: Uint8Array) => void): () => void {
    this.doc.on('update', listener);
    return () => this.doc.off('update', listener);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.publisher.dispose();
    this.doc.destroy();
  }
}
