import path from 'node:path';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { TOKEN_SUBPROTOCOL_PREFIX, roomName, websocketBase, type RoomKind } from '../../protocol/src';
import { SessionPublisher } from '../../extension/src/core/sync/sessionPublisher';
import { waitFor } from '../helpers/waitFor';

// A real host for browser tests: the session publisher tails a Claude Code transcript into the
// transcript room and both rooms sync with the relay over websockets with the host's token, the
// way the extension does it.

export type TestHost = { transcriptDoc: Y.Doc; queueDoc: Y.Doc; publisher: SessionPublisher; dispose(): Promise<void> };

export async function startHost(opts: { relayUrl: string; shareId: string; hostToken: string; sessionFile: string; claudeDir: string; hostLabel?: string; transcriptDoc?: Y.Doc; queueDoc?: Y.Doc }): Promise<TestHost> {
  const transcriptDoc = opts.transcriptDoc ?? new Y.Doc();
  const queueDoc = opts.queueDoc ?? new Y.Doc();
  const connect = (doc: Y.Doc, room: RoomKind) =>
    new WebsocketProvider(websocketBase(opts.relayUrl), roomName(opts.shareId, room), doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      protocols: [`${TOKEN_SUBPROTOCOL_PREFIX}${opts.hostToken}`],
      disableBc: true,
    });
  const providers = [connect(transcriptDoc, 'transcript'), connect(queueDoc, 'queue')];
  await waitFor(() => providers.every((p) => p.synced), { timeoutMs: 10_000, what: 'the host to sync with the relay' });
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
      for (const p of providers) p.destroy();
    },
  };
}
