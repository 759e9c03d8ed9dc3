import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MessageType } from '../../protocol/src';
import { TokenBucket } from './limits';

// Presence for one room, bound to connections: a connection owns the first awareness client id it
// announces and may only set or remove that one (stock y-websocket clients also echo other clients'
// states back; those entries are dropped). States must be small JSON objects, and are kept as `bind`
// rewrites them (role and name bound to the connection's token). Each connection is
// rate-limited with a token bucket; when it is over the limit its newest state is held and sent when
// a token frees up, so peers end up with the latest state and the relay holds at most one per
// connection. Updates go to every connection including the sender: stock clients count that echo as
// a sign of life (their 30 s liveness timer).

export type AwarenessLimits = { perSecond: number; burst: number; maxStateBytes: number };

export type AwarenessEntry = { clientId: number; clock: number; state: string };
type Entry = AwarenessEntry;

type Member<C> = { conn: C; clientId: number | null; bucket: TokenBucket; held: Entry | null; timer: NodeJS.Timeout | null };

export type AwarenessEvents = { dropped(count: number): void; deferred(): void };

export class RoomAwareness<C extends object> {
  private readonly entries = new Map<number, Entry>();
  private readonly members = new Map<C, Member<C>>();

  constructor(
    private readonly broadcast: (message: Buffer) => void,
    private readonly limits: AwarenessLimits,
    private readonly events: AwarenessEvents,
    /** the state to keep for what `conn` claims (bound to its token), or null to drop it */
    private readonly bind: (conn: C, state: string) => string | null,
  ) {}

  join(conn: C): void {
    this.members.set(conn, { conn, clientId: null, bucket: new TokenBucket(this.limits.perSecond, this.limits.burst), held: null, timer: null });
  }

  /** Removes the connection's state and tells everyone. */
  leave(conn: C): void {
    const m = this.members.get(conn);
    if (!m) return;
    this.members.delete(conn);
    if (m.timer) clearTimeout(m.timer);
    if (m.clientId === null) return;
    const entry = this.entries.get(m.clientId);
    if (!entry) return;
    this.entries.delete(m.clientId);
    this.broadcast(encodeAwarenessEntries([{ clientId: m.clientId, clock: entry.clock + 1, state: 'null' }]));
  }

  /** Handles one awareness update from `conn`. Throws on a malformed message. */
  receive(conn: C, update: Uint8Array): void {
    const m = this.members.get(conn);
    if (!m) return;
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    let own: Entry | null = null;
    let dropped = 0;
    for (let i = 0; i < count; i++) {
      const entry = { clientId: decoding.readVarUint(decoder), clock: decoding.readVarUint(decoder), state: decoding.readVarString(decoder) };
      const state = this.claim(m, entry.clientId) && this.isValidState(entry.state) ? this.bind(conn, entry.state) : null;
      if (state !== null) own = { ...entry, state };
      else dropped++;
    }
    if (dropped > 0) this.events.dropped(dropped);
    if (!own) return;
    m.held = own;
    this.release(m);
  }

  /** Every known state as one message (for a joining client or a query), or null if there are none. */
  snapshot(): Buffer | null {
    return this.entries.size === 0 ? null : encodeAwarenessEntries([...this.entries.values()]);
  }

  size(): number {
    return this.entries.size;
  }

  dispose(): void {
    for (const m of this.members.values()) if (m.timer) clearTimeout(m.timer);
    this.members.clear();
    this.entries.clear();
  }

  private claim(m: Member<C>, clientId: number): boolean {
    if (m.clientId !== null) return m.clientId === clientId;
    for (const other of this.members.values()) if (other.clientId === clientId) return false;
    m.clientId = clientId;
    return true;
  }

  private isValidState(state: string): boolean {
    if (state.length > this.limits.maxStateBytes) return false;
    try {
      const value: unknown = JSON.parse(state);
      return value === null || (typeof value === 'object' && !Array.isArray(value));
    } catch {
      return false;
    }
  }

  private release(m: Member<C>): void {
    if (!m.held || m.timer) return;
    if (!m.bucket.take()) {
      this.events.deferred();
      m.timer = setTimeout(() => {
        m.timer = null;
        this.release(m);
      }, m.bucket.waitMs());
      return;
    }
    const entry = m.held;
    m.held = null;
    const current = this.entries.get(entry.clientId);
    const newer = !current || entry.clock > current.clock || (entry.clock === current.clock && entry.state === 'null');
    if (!newer) return;
    if (entry.state === 'null') this.entries.delete(entry.clientId);
    else this.entries.set(entry.clientId, entry);
    this.broadcast(encodeAwarenessEntries([entry]));
  }
}

/** An awareness message carrying `entries` as they are (also how tests craft hostile ones). */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Buffer {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(inner, e.clientId);
    encoding.writeVarUint(inner, e.clock);
    encoding.writeVarString(inner, e.state);
  }
  const outer = encoding.createEncoder();
  encoding.writeVarUint(outer, MessageType.awareness);
  encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner));
  return Buffer.from(encoding.toUint8Array(outer));
}
