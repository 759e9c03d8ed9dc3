import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCode, type ParsedLink, type PresenceState } from '../../../protocol/src';
import { ShareConnection, browserSocketFactory, type RoomStatus } from '../../../protocol/src/connector';

// The viewer's side of a share: two Y.Docs (transcript and queue rooms) synced from the relay through
// the shared connector (the same one the CLI and the host use), and one status a person can read. The
// rest of the UI sees only `SessionConnection`, so a test can hand it plain Y.Docs instead.

export type ConnectionStatus =
  | { kind: 'connecting' }
  | { kind: 'synced' }
  | { kind: 'offline' }
  /** permanent: the relay closed with 4401/4403 or refused the upgrade; `detail` says what to do */
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
  const awareness = new Awareness(transcript);
  awareness.setLocalState(presence);
  const share = new ShareConnection({
    relayUrl: link.relayUrl,
    shareId: link.shareId,
    token: link.token,
    docs: { transcript, queue },
    awareness: { transcript: awareness },
    socket: browserSocketFactory,
    backoff: { maxMs: 5000 },
  });
  const listeners = new Set<(s: ConnectionStatus) => void>();
  let everSynced = false;
  const toStatus = (s: RoomStatus): ConnectionStatus => {
    switch (s.state) {
      case 'synced':
        everSynced = true;
        return { kind: 'synced' };
      case 'refused':
        return refusal({ code: s.code, reason: s.reason }, link, nowSeconds());
      case 'connecting':
        return everSynced || s.attempt > 0 ? { kind: 'offline' } : { kind: 'connecting' };
      default:
        return { kind: 'offline' };
    }
  };
  let current = toStatus(share.status);
  const offStatus = share.onStatus((s) => {
    const next = toStatus(s);
    if (JSON.stringify(next) === JSON.stringify(current)) return;
    current = next;
    for (const l of listeners) l(current);
  });

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
      offStatus();
      share.dispose();
      awareness.destroy();
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
    return { kind: 'revoked', detail: `The relay no longer accepts this link: ${event.reason || 'the host revoked it, or it is not valid'}. Ask the host for a new link.` };
  }
  return { kind: 'refused', detail: `The relay refused this link${reason}. It may need a relay access key, or not allow this use; ask the host.` };
}
