import type * as Y from 'yjs';
import type * as awarenessProtocol from 'y-protocols/awareness';
import { parseLink } from '../links';
import type { RoomKind } from '../roles';
import { RoomConnection, type RoomConnectionOptions, type RoomStatus } from './roomConnection';

// Both rooms of one share (transcript + queue) with one token, and one status summarising them.

export type ShareConnectionOptions = Omit<RoomConnectionOptions, 'room' | 'doc' | 'awareness'> & {
  docs: Record<RoomKind, Y.Doc>;
  awareness?: Partial<Record<RoomKind, awarenessProtocol.Awareness>>;
};

export class ShareConnection {
  readonly transcript: RoomConnection;
  readonly queue: RoomConnection;

  constructor(options: ShareConnectionOptions) {
    const { docs, awareness, ...common } = options;
    this.transcript = new RoomConnection({ ...common, room: 'transcript', doc: docs.transcript, awareness: awareness?.transcript });
    this.queue = new RoomConnection({ ...common, room: 'queue', doc: docs.queue, awareness: awareness?.queue });
  }

  /** refused if either room is refused; offline or connecting if either is; synced when both are. */
  get status(): RoomStatus {
    return combineStatus(this.transcript.status, this.queue.status);
  }

  onStatus(listener: (s: RoomStatus) => void): () => void {
    const emit = () => listener(this.status);
    const offs = [this.transcript.onStatus(emit), this.queue.onStatus(emit)];
    return () => offs.forEach((off) => off());
  }

  whenSynced(): Promise<void> {
    return Promise.all([this.transcript.whenSynced(), this.queue.whenSynced()]).then(() => undefined);
  }

  dispose(): void {
    this.transcript.dispose();
    this.queue.dispose();
  }
}

const rank: Record<RoomStatus['state'], number> = { closed: 4, refused: 3, offline: 2, connecting: 1, synced: 0 };

export function combineStatus(a: RoomStatus, b: RoomStatus): RoomStatus {
  return rank[a.state] >= rank[b.state] ? a : b;
}

/** Connects both rooms of the share a link points at. Throws if the link is not a share link. */
export function connectLink(link: string, rest: Omit<ShareConnectionOptions, 'relayUrl' | 'shareId' | 'token'>): ShareConnection {
  const parsed = parseLink(link);
  if (!parsed.ok) throw new Error(`not a usable share link (${parsed.error}); copy the whole link, including the part after #`);
  return new ShareConnection({ ...rest, relayUrl: parsed.link.relayUrl, shareId: parsed.link.shareId, token: parsed.link.token });
}
