import path from 'node:path';
import * as Y from 'yjs';
import { ShareConnection } from '../../protocol/src/connector';
import { nodeSocketFactory } from '../../extension/src/core/sync/nodeSocket';
import { SessionPublisher } from '../../extension/src/core/sync/sessionPublisher';

// A real host for browser tests: the session publisher tails a Claude Code transcript into the
// transcript room and both rooms sync with the relay over websockets with the host's token, the
// way the extension does it.

export type TestHost = { transcriptDoc: Y.Doc; queueDoc: Y.Doc; publisher: SessionPublisher; dispose(): Promise<void> };

/** Both rooms of a share, synced with the relay as the host (the shared connector, as the extension uses it). */
export async function connectAsHost(relayUrl: string, shareId: string, hostToken: string, docs: { transcript: Y.Doc; queue: Y.Doc }): Promise<ShareConnection> {
  const share = new ShareConnection({ relayUrl, shareId, token: hostToken, docs, socket: nodeSocketFactory });
  await share.whenSynced();
  return share;
}

export async function startHost(opts: { relayUrl: string; shareId: string; hostToken: string; sessionFile: string; claudeDir: string; hostLabel?: string; transcriptDoc?: Y.Doc; queueDoc?: Y.Doc }): Promise<TestHost> {
  const transcriptDoc = opts.transcriptDoc ?? new Y.Doc();
  const queueDoc = opts.queueDoc ?? new Y.Doc();
  const share = await connectAsHost(opts.relayUrl, opts.shareId, opts.hostToken, { transcript: transcriptDoc, queue: queueDoc });
  const publisher = new SessionPublisher({
    claudeDir: opts.claudeDir,
    projectFolder: path.basename(path.dirname(opts.sessionFile)),
    sessionId: path.basename(opts.sessionFile, '.jsonl'),
    doc: transcriptDoc,
    hostLabel: opts.hostLabel ?? 'test-host',
  });
  await publisher.start();
  return {
    transcriptDoc,
    queueDoc,
    publisher,
    async dispose() {
      publisher.dispose();
      share.dispose();
    },
  };
}
