import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { Counter, Gauge, Histogram, type Metric } from '../metrics';
import { TakenIdsError, type LoadedRoom, type RoomKey, type RoomStorage } from '../storage/roomStorage';
import { compareStreamIds, nextStreamId } from './streamIds';

// Rooms in Redis, shared by any number of relay nodes.
//   <prefix>room:{<room>}:log   a stream of Yjs updates, one entry per write: fields n (writing node), u (update)
//   <prefix>room:{<room>}:snap  a hash: state (one merged update) and upto (the last stream id it covers)
//   <prefix>revocations         a hash: share id → revocation record (JSON); changes announced on <prefix>revoked
// A write is acknowledged once XADD has returned, so it is as durable as the Redis server's AOF policy
// makes it. Every node reads the streams of the rooms it has loaded (one blocking XREAD over all of
// them) and applies what other nodes wrote: Redis carries the fan-out between nodes, and the stream
// position a node has read to is what it asks for after a reconnect, so nothing is missed or applied
// twice. Compaction writes a snapshot and trims the stream in one script that refuses to move the
// snapshot backwards; a lock keeps two nodes from compacting a room at once.

const COMPACT_SCRIPT = `
local cur = redis.call('HGET', KEYS[1], 'upto')
if cur then
  local cm, cs = string.match(cur, '^(%d+)-(%d+)$')
  local nm, ns = string.match(ARGV[2], '^(%d+)-(%d+)$')
  cm, cs, nm, ns = tonumber(cm), tonumber(cs), tonumber(nm), tonumber(ns)
  if cm > nm or (cm == nm and cs > ns) then return 0 end
end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'upto', ARGV[2])
redis.call('XTRIM', KEYS[2], 'MINID', ARGV[3])
return 1`;

// An append that takes ids (a queue room's prompt ids) stores the update only if no node took one of
// them before, in one atomic step: the first id already taken is returned, else nothing.
const APPEND_UNIQUE_SCRIPT = `
for i = 3, #ARGV do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then return ARGV[i] end
end
for i = 3, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]) end
redis.call('XADD', KEYS[2], '*', 'n', ARGV[1], 'u', ARGV[2])
return false`;

const UNLOCK_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

const READ_BLOCK_MS = 10_000;
const READ_COUNT = 512;
const PING_MS = 2_000;

export type RedisStorageOptions = {
  url: string;
  /** key prefix, so several relays' data can share one Redis database; default `tandem:` */
  prefix?: string;
  /** a command that gets no answer within this is failed (a stalled Redis stops writes instead of queueing them) */
  commandTimeoutMs?: number;
};

type Position = { lastId: string; storedBytes: number };
type Watched = Position & { onUpdate: (update: Uint8Array) => void };

export class RedisStorage implements RoomStorage {
  readonly kind = 'redis';
  /** tags this node's stream entries, so its reader skips what it wrote itself */
  readonly nodeId = randomBytes(6).toString('hex');
  private readonly loaded = new Map<RoomKey, Position>();
  private readonly watched = new Map<RoomKey, Watched>();
  private readonly streamRoom = new Map<string, RoomKey>();
  private readonly revokedListeners = new Set<(shareId: string) => void>();
  private readerId: number | null = null;
  private reading = false;
  private wakeReader: (() => void) | null = null;
  private closed = false;
  /** when the command connection was lost, and the last error it gave */
  private downSince = 0;
  private lastError = '';
  private loop: Promise<void> = Promise.resolve();
  private readonly pinger: NodeJS.Timeout;
  private readonly writeSeconds = new Histogram('tandem_relay_redis_write_seconds', 'XADD round trips: from a write to Redis acknowledging it', [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1,
  ]);
  private readonly pingSeconds = new Histogram('tandem_relay_redis_ping_seconds', 'PING round trips to Redis, every 2 s', [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 1]);
  private readonly remoteUpdates = new Counter('tandem_relay_redis_remote_updates_total', 'updates written by other nodes and applied here');
  private readonly downEvents = new Counter('tandem_relay_redis_disconnects_total', 'times the connection to Redis was lost');

  private constructor(
    private readonly cmd: Redis,
    private readonly reader: Redis,
    private readonly sub: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
    /** the Redis URL without its password */
    private readonly where: string,
  ) {
    this.pinger = setInterval(() => void this.ping(), PING_MS);
    this.pinger.unref();
  }

  static async open(options: RedisStorageOptions, log: Logger): Promise<RedisStorage> {
    const common = {
      lazyConnect: true,
      // commands fail at once while Redis is unreachable: a node cut off from Redis refuses writes
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
    };
    const cmd = new Redis(options.url, { ...common, commandTimeout: options.commandTimeoutMs ?? 5000, connectionName: 'tandem-relay' });
    const reader = new Redis(options.url, { ...common, enableOfflineQueue: true, connectionName: 'tandem-relay-reader' });
    const sub = new Redis(options.url, { ...common, enableOfflineQueue: true, connectionName: 'tandem-relay-revocations' });
    const storage = new RedisStorage(cmd, reader, sub, options.prefix ?? 'tandem:', log, redactUrl(options.url));
    storage.watchConnection(cmd, 'commands');
    storage.watchConnection(reader, 'reader');
    storage.watchConnection(sub, 'revocations');
    try {
      await Promise.all([cmd.connect(), reader.connect(), sub.connect()]);
    } catch (e) {
      storage.closed = true;
      clearInterval(storage.pinger);
      for (const c of [cmd, reader, sub]) c.disconnect();
      throw new Error(`cannot reach Redis at ${redactUrl(options.url)}: ${(e as Error).message}; start it or fix --redis`);
    }
    reader.on('ready', () => void storage.onReaderReady());
    await storage.onReaderReady();
    sub.on('message', (_channel: string, shareId: string) => storage.revokedListeners.forEach((l) => l(shareId)));
    await sub.subscribe(storage.revokedChannel());
    storage.loop = storage.readLoop();
    return storage;
  }

  /** Whether writes can be stored now (drives /readyz). */
  ready(): boolean {
    return !this.closed && this.cmd.status === 'ready';
  }

  notReadyReason(): string | undefined {
    if (this.ready()) return undefined;
    if (this.closed) return 'the relay closed its Redis store';
    const since = this.downSince ? ` since ${new Date(this.downSince).toISOString()}` : '';
    return `cannot reach Redis at ${this.where}${since} (${this.lastError || this.cmd.status}); writes are refused until it is back`;
  }

  metrics(): Metric[] {
    return [
      new Gauge('tandem_relay_redis_up', 'whether this node can reach Redis (1) or not (0)', () => [[{}, this.ready() ? 1 : 0]]),
      this.writeSeconds,
      this.pingSeconds,
      this.remoteUpdates,
      this.downEvents,
    ];
  }

  async exists(key: RoomKey): Promise<boolean> {
    return (await this.cmd.exists(this.logKey(key), this.snapKey(key))) > 0;
  }

  async load(key: RoomKey): Promise<LoadedRoom> {
    // One transaction, so a compaction by another node cannot fall between reading the snapshot and the log.
    const results = await this.cmd.multi().hgetallBuffer(this.snapKey(key)).xrangeBuffer(this.logKey(key), '-', '+').exec();
    if (!results) throw new Error('the Redis transaction that loads a room was aborted');
    for (const [e] of results) if (e) throw e;
    const snap = results[0][1] as Record<string, Buffer>;
    const entries = results[1][1] as Array<[Buffer, Buffer[]]>;
    const upto = snap.upto?.toString() ?? '0-0';
    const updates: Uint8Array[] = snap.state ? [snap.state] : [];
    let lastId = upto;
    let storedBytes = 0;
    for (const [idBytes, fields] of entries) {
      const id = idBytes.toString();
      if (compareStreamIds(id, upto) <= 0) continue;
      lastId = id;
      const update = entryUpdate(fields);
      if (!update) continue;
      updates.push(update);
      storedBytes += update.length;
    }
    this.loaded.set(key, { lastId, storedBytes });
    return { updates, storedBytes, corruptBytes: 0 };
  }

  /** From now on, updates other nodes write to this loaded room reach `onUpdate`, in stream order. */
  watch(key: RoomKey, onUpdate: (update: Uint8Array) => void): void {
    const position = this.loaded.get(key);
    if (!position) throw new Error(`watch before load: ${key}`);
    this.loaded.delete(key);
    this.watched.set(key, { ...position, onUpdate });
    this.streamRoom.set(this.logKey(key), key);
    this.poke();
  }

  async append(key: RoomKey, update: Uint8Array, unique: readonly string[] = []): Promise<void> {
    const started = performance.now();
    const bytes = Buffer.from(update.buffer, update.byteOffset, update.byteLength);
    if (unique.length === 0) await this.cmd.xadd(this.logKey(key), '*', 'n', this.nodeId, 'u', bytes);
    else {
      const taken = (await this.cmd.eval(APPEND_UNIQUE_SCRIPT, 2, this.idsKey(key), this.logKey(key), this.nodeId, bytes, ...unique)) as string | null;
      if (taken !== null) throw new TakenIdsError(taken);
    }
    this.writeSeconds.observe((performance.now() - started) / 1000);
    const room = this.watched.get(key) ?? this.loaded.get(key);
    if (room) room.storedBytes += update.length;
  }

  storedBytes(key: RoomKey): number {
    return (this.watched.get(key) ?? this.loaded.get(key))?.storedBytes ?? 0;
  }

  /** `merged` is the room's whole document, which holds every entry this node has read. */
  async compact(key: RoomKey, merged: Uint8Array): Promise<void> {
    const room = this.watched.get(key);
    if (!room) return;
    const upto = room.lastId; // read before any await: `merged` was encoded with exactly this much applied
    const lock = this.lockKey(key);
    if ((await this.cmd.set(lock, this.nodeId, 'PX', 60_000, 'NX')) !== 'OK') return; // another node is compacting it
    try {
      const moved = await this.cmd.eval(COMPACT_SCRIPT, 2, this.snapKey(key), this.logKey(key), Buffer.from(merged), upto, nextStreamId(upto));
      if (moved === 1) room.storedBytes = 0;
    } finally {
      await this.cmd.eval(UNLOCK_SCRIPT, 1, lock, this.nodeId).catch((e: Error) => this.log.warn('could not release a compaction lock; it expires by itself', { room: key, error: e.message }));
    }
  }

  /** The room leaves this node's memory; Redis keeps it. */
  async release(key: RoomKey): Promise<void> {
    this.loaded.delete(key);
    if (this.watched.delete(key)) {
      this.streamRoom.delete(this.logKey(key));
      this.poke();
    }
  }

  /** The host deleted the share: its log and snapshot leave Redis (other nodes' sockets close on the revocation). */
  async remove(key: RoomKey): Promise<void> {
    await this.release(key);
    await this.cmd.del(this.logKey(key), this.snapKey(key), this.idsKey(key));
  }

  async readRevocations(shareId: string): Promise<string | null> {
    return this.cmd.hget(`${this.prefix}revocations`, shareId);
  }

  async writeRevocations(shareId: string, json: string): Promise<void> {
    const results = await this.cmd.multi().hset(`${this.prefix}revocations`, shareId, json).publish(this.revokedChannel(), shareId).exec();
    for (const [e] of results ?? []) if (e) throw e;
  }

  /** `listener` hears of every revocation any node stores (this one too). */
  onRevoked(listener: (shareId: string) => void): void {
    this.revokedListeners.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pinger);
    this.poke();
    this.reader.disconnect();
    await this.loop;
    await Promise.all([this.cmd.quit().catch(() => undefined), this.sub.quit().catch(() => undefined)]);
  }

  // ---- the reader ---------------------------------------------------------------------------------

  private async readLoop(): Promise<void> {
    while (!this.closed) {
      if (this.watched.size === 0 || this.reader.status !== 'ready') {
        await new Promise<void>((resolve) => {
          this.wakeReader = resolve;
          setTimeout(resolve, 1000).unref();
        });
        this.wakeReader = null;
        continue;
      }
      const streams: string[] = [];
      const ids: string[] = [];
      for (const [key, room] of this.watched) {
        streams.push(this.logKey(key));
        ids.push(room.lastId);
      }
      let batch: Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;
      this.reading = true;
      try {
        batch = (await this.reader.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', ...streams, ...ids)) as typeof batch;
      } catch (e) {
        if (!this.closed) this.log.warn('reading room streams from Redis failed; retrying', { error: (e as Error).message });
        batch = null;
        await new Promise((resolve) => setTimeout(resolve, 200).unref());
      } finally {
        this.reading = false;
      }
      if (batch) this.deliver(batch);
    }
  }

  private deliver(batch: Array<[Buffer, Array<[Buffer, Buffer[]]>]>): void {
    for (const [stream, entries] of batch) {
      const key = this.streamRoom.get(stream.toString());
      const room = key === undefined ? undefined : this.watched.get(key);
      if (!room) continue; // released while the read was on its way
      for (const [idBytes, fields] of entries) {
        const id = idBytes.toString();
        if (compareStreamIds(id, room.lastId) <= 0) continue;
        room.lastId = id;
        if (entryNode(fields) === this.nodeId) continue;
        const update = entryUpdate(fields);
        if (!update) continue;
        room.storedBytes += update.length;
        this.remoteUpdates.inc();
        room.onUpdate(update);
      }
    }
  }

  /** Makes the reader pick up a changed set of rooms now instead of at the end of its current block. */
  private poke(): void {
    this.wakeReader?.();
    if (this.reading && this.readerId !== null && this.cmd.status === 'ready') {
      this.cmd.client('UNBLOCK', this.readerId).catch(() => undefined);
    }
  }

  private async onReaderReady(): Promise<void> {
    try {
      this.readerId = Number(await this.reader.client('ID'));
    } catch (e) {
      this.log.warn('could not read the Redis reader connection id', { error: (e as Error).message });
    }
    this.poke();
  }

  private watchConnection(client: Redis, name: string): void {
    let lastError = '';
    client.on('error', (e: Error) => {
      if (client === this.cmd) this.lastError = e.message;
      if (e.message === lastError) return;
      lastError = e.message;
      this.log.warn('Redis connection error', { connection: name, error: e.message });
    });
    client.on('close', () => {
      if (this.closed) return;
      if (client === this.cmd && !this.downSince) this.downSince = Date.now();
      this.downEvents.inc();
      this.log.error('lost the connection to Redis: this node refuses writes (/readyz says not ready) until it is back', { connection: name });
    });
    client.on('ready', () => {
      if (lastError) this.log.info('the connection to Redis is back', { connection: name });
      lastError = '';
      if (client === this.cmd) this.downSince = 0;
      if (client === this.cmd) this.lastError = '';
    });
  }

  private async ping(): Promise<void> {
    if (this.cmd.status !== 'ready') return;
    const started = performance.now();
    try {
      await this.cmd.ping();
      this.pingSeconds.observe((performance.now() - started) / 1000);
    } catch {
      // the connection's own error handler reports it
    }
  }

  private logKey(key: RoomKey): string {
    return `${this.prefix}room:{${key}}:log`;
  }

  private snapKey(key: RoomKey): string {
    return `${this.prefix}room:{${key}}:snap`;
  }

  /** the ids a queue room's writes took (prompt ids…), so that two nodes cannot both take one */
  private idsKey(key: RoomKey): string {
    return `${this.prefix}room:{${key}}:ids`;
  }

  private lockKey(key: RoomKey): string {
    return `${this.prefix}room:{${key}}:compacting`;
  }

  private revokedChannel(): string {
    return `${this.prefix}revoked`;
  }
}

function entryField(fields: Buffer[], name: string): Buffer | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i].length === 1 && fields[i].toString() === name) return fields[i + 1];
  return undefined;
}

function entryUpdate(fields: Buffer[]): Uint8Array | undefined {
  return entryField(fields, 'u');
}

function entryNode(fields: Buffer[]): string | undefined {
  return entryField(fields, 'n')?.toString();
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable Redis URL)';
  }
}
