import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import {
  CloseCode,
  TOKEN_SUBPROTOCOL_PREFIX,
  roomName,
  websocketBase,
  type ParsedLink,
  type PresenceState,
  type RoomKind,
} from '../../../protocol/src';

// The viewer's side of a share: two Y.Docs (transcript and queue rooms) synced from the relay, and
// one status a person can read. The rest of the UI sees only `SessionConnection`, so swapping this
// for the shared connector (or a test double holding plain Y.Docs) touches this file alone.

export type ConnectionStatus =
  | { kind: 'connecting' }
  | { kind: 'synced' }
  | { kind: 'offline' }
  /** permanent: the relay closed with 4401/4403; `detail` says what to do */
  | { kind: 'expired' | 'revoked' | 'refused'; detail: string };

export interface SessionConnection {
  readonly transcript: Y.Doc;
  readonly queue: Y.Doc;
  /** presence of everyone watching, on the transcript room */
  readonly awareness: Awareness;
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  dispose(): void;
}

export function connectToShare(link: ParsedLink, presence: PresenceState, nowSeconds: () => number = () => Date.now() / 1000): SessionConnection {
  const transcript = new Y.Doc();
  const queue = new Y.Doc();
  const open = (doc: Y.Doc, room: RoomKind) =>
    new WebsocketProvider(websocketBase(link.relayUrl), roomName(link.shareId, room), doc, {
      // the token rides in the subprotocol header, so it never appears in a URL the relay could log
      protocols: [`${TOKEN_SUBPROTOCOL_PREFIX}${link.token}`],
      disableBc: true,
      maxBackoffTime: 5000,
    });
  const providers = [open(transcript, 'transcript'), open(queue, 'queue')];
  const awareness = providers[0].awareness;
  awareness.setLocalState(presence);
  const listeners = new Set<(s: ConnectionStatus) => void>();
  let permanent: ConnectionStatus | null = null;
  let current: ConnectionStatus = { kind: 'connecting' };
  let everSynced = false;

  const update = () => {
    const next = permanent ?? derive();
    if (JSON.stringify(next) === JSON.stringify(current)) return;
    current = next;
    for (const l of listeners) l(current);
  };
  const derive = (): ConnectionStatus => {
    if (providers.every((p) => p.synced)) {
      everSynced = true;
      return { kind: 'synced' };
    }
    return everSynced || providers.some((p) => p.wsUnsuccessfulReconnects > 0) ? { kind: 'offline' } : { kind: 'connecting' };
  };
  const onClosed = (event: { code: number; reason: string }) => {
    permanent = refusal(event, link, nowSeconds());
    for (const p of providers) p.disconnect();
    update();
  };
  for (const p of providers) {
    p.on('status', update);
    p.on('sync', update);
    p.on('connection-close', update);
    p.on('closed', onClosed);
  }

  let disposed = false;
  return {
    transcript,
    queue,
    awareness,
    status: () => current,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      listeners.clear();
      for (const p of providers) p.destroy();
      transcript.destroy();
      queue.destroy();
    },
  };
}

/** What a permanent close means for this link, in words a person can act on. */
export function refusal(event: { code: number; reason: string }, link: ParsedLink, nowSeconds: number): ConnectionStatus {
  const reason = event.reason ? ` (${event.reason})` : '';
  if (event.code === CloseCode.unauthorized && link.claims.exp <= nowSeconds) {
    return { kind: 'expired', detail: `This link expired on ${new Date(link.claims.exp * 1000).toLocaleString()}. Ask the host for a new link.` };
  }
  if (event.code === CloseCode.unauthorized) {
    return { kind: 'revoked', detail: `The relay no longer accepts this link${reason}: the host revoked it or it is not valid. Ask the host for a new link.` };
  }
  return { kind: 'refused', detail: `The relay refused this link${reason}. It may need a relay access key, or not allow this use; ask the host.` };
}
