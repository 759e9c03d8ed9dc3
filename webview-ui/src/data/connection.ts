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
  /** synced before, lost the relay since; retrying */
  | { kind: 'offline' }
  /** never reached the relay; retrying; `detail` says what to do */
  | { kind: 'unreachable'; detail: string }
  /** permanent: the relay closed with 4401/4403 or refused the upgrade; `detail` says what to do */
  | { kind: 'expired' | 'revoked' | 'damaged' | 'refused'; detail: string };

export interface SessionConnection {
  readonly transcript: Y.Doc;
  readonly queue: Y.Doc;
  /** presence of everyone watching, on the transcript room */
  readonly awareness: Awareness;
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** the relay refused a write to the queue room (a prompt past the pending cap, a full room…), saying why */
  onWriteRefused(listener: (reason: string) => void): () => void;
  /** resolves once the relay has judged every queue write made so far */
  writesSettled(): Promise<void>;
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
  const unreachable: ConnectionStatus = {
    kind: 'unreachable',
    detail: `Nothing answers at ${link.relayUrl}. Tandem keeps trying; check your network, or ask the host whether the relay is running.`,
  };
  const toStatus = (s: RoomStatus): ConnectionStatus => {
    switch (s.state) {
      case 'synced':
        everSynced = true;
        return { kind: 'synced' };
      case 'refused':
        return refusal({ code: s.code, reason: s.reason }, link, nowSeconds());
      case 'connecting':
        return everSynced ? { kind: 'offline' } : s.attempt > 0 ? unreachable : { kind: 'connecting' };
      default:
        return everSynced ? { kind: 'offline' } : unreachable;
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
    onWriteRefused: (listener) => share.queue.onDenied(listener),
    writesSettled: () => share.queue.flush(),
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

/** What a permanent close means for this link, in words a person can act on (one sentence each). */
export function refusal(event: { code: number; reason: string }, link: ParsedLink, nowSeconds: number): ConnectionStatus {
  if (event.code === CloseCode.unauthorized && link.claims.exp <= nowSeconds) return { kind: 'expired', detail: expiredText(link.claims.exp) };
  if (event.code === CloseCode.unauthorized && /revoked/i.test(event.reason)) {
    return { kind: 'revoked', detail: 'The host stopped sharing this session or withdrew this link. Ask the host for a new link.' };
  }
  if (event.code === CloseCode.unauthorized) return { kind: 'damaged', detail: DAMAGED };
  const reason = event.reason ? `: ${event.reason.replace(/\.$/, '')}` : '';
  return { kind: 'refused', detail: `The relay refused this link${reason}.${/ask the host/i.test(reason) ? '' : ' Ask the host.'}` };
}

export const DAMAGED = "The relay cannot verify this link's access token: it was altered or cut short. Copy the whole link again, or ask the host for a new one.";

export function expiredText(exp: number): string {
  return `This link expired on ${new Date(exp * 1000).toLocaleString()}. Ask the host for a new link.`;
}
