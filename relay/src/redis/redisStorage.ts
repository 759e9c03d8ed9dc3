import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { Counter, Gauge, Histogram, type Metric } from '../metrics';
import { TakenIdsError, type LoadedRoom, type RoomKey, type RoomStorage } from '../storage/roomStorage';
import { compareStreamIds, nextStreamId } from './streamIds';

// Rooms in Redis, shared by any number of relay nodes.
//   <prefix>room:{<room>}:log   a stream of Yjs updates, one entry per write: fields n (writing node), u (update)
//   <prefix>room:{<room>}:live  a channel: each write again, as "<stream id> <node> <update>", published with its XADD
//   <prefix>room:{<room>}:snap  a hash: state (one merged update) and upto (the last stream id it covers)
//   <prefix>revocations         a hash: share id → revocation record (JSON); changes announced on <prefix>revoked
// A write is acknowledged once its script has returned, so it is as durable as the Redis server's AOF
// policy makes it. The script adds the entry to the room's stream and publishes it on the room's
// channel in one atomic step, so the channel carries a room's writes in stream order. Each node
// subscribes to the rooms it has loaded and applies what other nodes wrote: Redis pushes the fan-out
// between nodes, with no polling, whatever the number of rooms. The stream is the record: the stream id
// a node has applied up to is where it reads the log from when it starts watching a room and whenever
// its subscription comes back after a disconnect, holding the room's live messages until it has, so a
// write is neither missed nor applied twice. Compaction writes a snapshot and trims the stream in one
// script that refuses to move the snapshot backwards; a lock keeps two nodes from compacting a room at
// once; a node that was away while entries it lacked were trimmed reads the snapshot too.

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

// Both append scripts end here: the entry, then the same write on the room's channel. ARGV: node, update, channel.
const appendAndPublish = (logKey: string) => `
local id = redis.call('XADD', ${logKey}, '*', 'n', ARGV[1], 'u', ARGV[2])
redis.call('PUBLISH', ARGV[3], id .. ' ' .. ARGV[1] .. ' ' .. ARGV[2])`;

// KEYS: log stream.
const APPEND_SCRIPT = `${appendAndPublish('KEYS[1]')}
return id`;

// An append that takes ids (a queue room's prompt ids) stores the update only if no node took one of
// them before, in one atomic step: the first id already taken is returned, else nothing.
// KEYS: ids hash, log stream; ARGV: node, update, channel, ids…
const APPEND_UNIQUE_SCRIPT = `
for i = 4, #ARGV do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then return ARGV[i] end
end
for i = 4, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]) end
${appendAndPublish('KEYS[2]')}
return false`;

const UNLOCK_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

const PING_MS = 2_000;
const CATCH_UP_RETRY_MS = 200;

export type RedisStorageOptions = {
  url: string;
  /** key prefix, so several relays' data can share one Redis database; default `tandem:` */
  prefix?: string;
  /** a command that gets no answer within this is failed (a stalled Redis stops writes instead of queueing them) */
  commandTimeoutMs?: number;
};

type Position = { lastId: string; storedBytes: number };
type Watched = Position & {
  channel: string;
  onUpdate: (update: Uint8Array) => void;
  /** live messages held while the room catches up from its stream; null when it is up to date */
  held: Buffer[] | null;
  /** counts the subscription's interruptions: a catch-up that saw one reads the stream again */
  interruptions: number;
  catchingUp: boolean;
};

/** The scripts, sent once and then run by their hash (ioredis re-sends them after a Redis restart). */
type ScriptCommands = {
  tandemAppend(log: string, node: string, update: Buffer, channel: string): Promise<string>;
  tandemAppendUnique(ids: string, log: string, node: string, update: Buffer, channel: string, ...unique: string[]): Promise<string | null>;
};

export class RedisStorage implements RoomStorage {
  readonly kind = 'redis';
  /** tags this node's writes, so it skips them when they come back on a room's channel */
  readonly nodeId = randomBytes(6).toString('hex');
  private readonly loaded = new Map<RoomKey, Position>();
  private readonly watched = new Map<RoomKey, Watched>();
  private readonly channelRoom = new Map<string, RoomKey>();
  private readonly revokedListeners = new Set<(shareId: string) => void>();
  private closed = false;
  /** when the command connection was lost, and the last error it gave */
  private downSince = 0;
  private lastError = '';
  private readonly pinger: NodeJS.Timeout;
  private readonly writeSeconds = new Histogram('tandem_relay_redis_write_seconds', 'append round trips: from a write to Redis acknowledging it', [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1,
  ]);
  private readonly pingSeconds = new Histogram('tandem_relay_redis_ping_seconds', 'PING round trips to Redis, every 2 s', [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 1]);
  private readonly remoteUpdates = new Counter('tandem_relay_redis_remote_updates_total', 'updates written by other nodes and applied here');
  private readonly caughtUp = new Counter('tandem_relay_redis_catch_up_updates_total', 'updates read from a room\'s stream because its channel could not have carried them (a room starting to be watched, a subscription that came back)');
  private readonly downEvents = new Counter('tandem_relay_redis_disconnects_total', 'times the connection to Redis was lost');

  private constructor(
    private readonly cmd: Redis & ScriptCommands,
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
    cmd.defineCommand('tandemAppend', { numberOfKeys: 1, lua: APPEND_SCRIPT });
    cmd.defineCommand('tandemAppendUnique', { numberOfKeys: 2, lua: APPEND_UNIQUE_SCRIPT });
    const sub = new Redis(options.url, { ...common, enableOfflineQueue: true, connectionName: 'tandem-relay-subscriber' });
    const storage = new RedisStorage(cmd as Redis & ScriptCommands, sub, options.prefix ?? 'tandem:', log, redactUrl(options.url));
    storage.watchConnection(cmd, 'commands');
    storage.watchConnection(sub, 'subscriber');
    try {
      await Promise.all([cmd.connect(), sub.connect()]);
    } catch (e) {
      storage.closed = true;
      clearInterval(storage.pinger);
      for (const c of [cmd, sub]) c.disconnect();
      throw new Error(`cannot reach Redis at ${redactUrl(options.url)}: ${(e as Error).message}; start it or fix --redis`);
    }
    sub.on('messageBuffer', (channel: Buffer, message: Buffer) => storage.onMessage(channel, message));
    // messages published while the subscription was down are lost: every watched room reads its stream again
    sub.on('close', () => storage.holdAll());
    sub.on('ready', () => storage.catchUpAll());
    await sub.subscribe(storage.revokedChannel());
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
      this.caughtUp,
      this.downEvents,
    ];
  }

  async exists(key: RoomKey): Promise<boolean> {
    return (await this.cmd.exists(this.logKey(key), this.snapKey(key))) > 0;
  }

  async load(key: RoomKey): Promise<LoadedRoom> {
    const { snapshot, upto, entries } = await this.readRoom(key);
    const updates: Uint8Array[] = snapshot ? [snapshot] : [];
    let storedBytes = 0;
    for (const { update } of entries) {
      if (!update) continue;
      updates.push(update);
      storedBytes += update.length;
    }
    this.loaded.set(key, { lastId: entries.at(-1)?.id ?? upto, storedBytes });
    return { updates, storedBytes, corruptBytes: 0 };
  }

  /** From now on, updates other nodes write to this loaded room reach `onUpdate`, in stream order. */
  watch(key: RoomKey, onUpdate: (update: Uint8Array) => void): void {
    const position = this.loaded.get(key);
    if (!position) throw new Error(`watch before load: ${key}`);
    this.loaded.delete(key);
    const channel = this.liveChannel(key);
    const room: Watched = { ...position, channel, onUpdate, held: null, interruptions: 0, catchingUp: false };
    this.watched.set(key, room);
    this.channelRoom.set(channel, key);
    // what was written between the load and the subscription is read from the stream
    this.catchUp(key, room);
  }

  async append(key: RoomKey, update: Uint8Array, unique: readonly string[] = []): Promise<void> {
    const started = performance.now();
    const bytes = Buffer.from(update.buffer, update.byteOffset, update.byteLength);
    const channel = this.liveChannel(key);
    if (unique.length === 0) await this.cmd.tandemAppend(this.logKey(key), this.nodeId, bytes, channel);
    else {
      const taken = await this.cmd.tandemAppendUnique(this.idsKey(key), this.logKey(key), this.nodeId, bytes, channel, ...unique);
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
    const room = this.watched.get(key);
    if (!room) return;
    this.watched.delete(key);
    this.channelRoom.delete(room.channel);
    // if the connection is down, nothing to do: on reconnect ioredis resubscribes only what is still subscribed
    if (!this.closed) await this.sub.unsubscribe(room.channel).catch(() => undefined);
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
    await Promise.all([this.cmd.quit().catch(() => undefined), this.sub.quit().catch(() => undefined)]);
  }

  // ---- live updates -------------------------------------------------------------------------------

  private onMessage(channelBytes: Buffer, message: Buffer): void {
    const channel = channelBytes.toString('latin1');
    if (channel === this.revokedChannel()) {
      const shareId = message.toString();
      for (const listener of this.revokedListeners) listener(shareId);
      return;
    }
    const key = this.channelRoom.get(channel);
    const room = key === undefined ? undefined : this.watched.get(key);
    if (!room) return; // released while the message was on its way
    if (room.held) room.held.push(message);
    else this.applyLive(room, message);
  }

  /** A message on a room's channel: "<stream id> <node> <update>". */
  private applyLive(room: Watched, message: Buffer): void {
    const idEnd = message.indexOf(0x20);
    const nodeEnd = idEnd < 0 ? -1 : message.indexOf(0x20, idEnd + 1);
    if (nodeEnd < 0) {
      this.log.error('skipped a malformed message on a room channel', { bytes: message.length });
      return;
    }
    this.applyEntry(room, message.toString('latin1', 0, idEnd), message.toString('latin1', idEnd + 1, nodeEnd), message.subarray(nodeEnd + 1));
  }

  /** One stream entry, live or read back: applied once, in stream order, unless this node wrote it. */
  private applyEntry(room: Watched, id: string, node: string | undefined, update: Uint8Array | undefined): boolean {
    if (compareStreamIds(id, room.lastId) <= 0) return false;
    room.lastId = id;
    if (node === this.nodeId || !update) return false;
    room.storedBytes += update.length;
    this.remoteUpdates.inc();
    room.onUpdate(update);
    return true;
  }

  /** The subscription is down: live messages can be missed, so every room waits to read its stream. */
  private holdAll(): void {
    for (const room of this.watched.values()) {
      room.held ??= [];
      room.interruptions++;
    }
  }

  private catchUpAll(): void {
    for (const [key, room] of this.watched) this.catchUp(key, room);
  }

  /** Holds the room's live messages until it has read its stream; one catch-up per room at a time. */
  private catchUp(key: RoomKey, room: Watched): void {
    room.held ??= [];
    room.interruptions++;
    if (room.catchingUp) return; // the running one sees the interruption and reads again
    room.catchingUp = true;
    void this.readUp(key, room).finally(() => (room.catchingUp = false));
  }

  /**
   * Subscribes to the room's channel, then applies what its stream holds after the id the room has
   * applied up to, then the messages held meanwhile. Whatever was published after the subscription
   * took is either in that read or held (or both: applied once). Read again if the subscription was
   * interrupted meanwhile; retried until it succeeds or the room is released.
   */
  private async readUp(key: RoomKey, room: Watched): Promise<void> {
    let failures = 0;
    while (!this.closed && this.watched.get(key) === room) {
      const interruptions = room.interruptions;
      try {
        await this.sub.subscribe(room.channel);
        const read = await this.readRoom(key, room.lastId);
        if (this.watched.get(key) !== room) return;
        if (read.snapshot) {
          // entries this node lacked were compacted away meanwhile: the snapshot holds them
          room.onUpdate(read.snapshot);
          room.lastId = read.upto;
        }
        for (const entry of read.entries) if (this.applyEntry(room, entry.id, entry.node, entry.update)) this.caughtUp.inc();
        if (room.interruptions !== interruptions) continue;
        const held = room.held ?? [];
        room.held = null;
        for (const message of held) this.applyLive(room, message);
        return;
      } catch (e) {
        if (this.closed) return;
        if (failures++ === 0) this.log.warn('reading a room stream from Redis failed; retrying until it is back', { room: key, error: (e as Error).message });
        await new Promise((resolve) => setTimeout(resolve, CATCH_UP_RETRY_MS).unref());
      }
    }
  }

  /**
   * The stream entries after the room's snapshot (and after `after`), and the snapshot if it covers
   * entries after `after`; in one transaction, so that a compaction by another node cannot fall
   * between the two reads.
   */
  private async readRoom(key: RoomKey, after = '0-0') {
    const results = await this.cmd.multi().hgetallBuffer(this.snapKey(key)).xrangeBuffer(this.logKey(key), after === '0-0' ? '-' : `(${after}`, '+').exec();
    if (!results) throw new Error('the Redis transaction that reads a room was aborted');
    for (const [e] of results) if (e) throw e;
    const snap = results[0][1] as Record<string, Buffer>;
    const raw = results[1][1] as Array<[Buffer, Buffer[]]>;
    const upto = snap.upto?.toString() ?? '0-0';
    const snapshot = snap.state && compareStreamIds(upto, after) > 0 ? snap.state : undefined;
    const entries: Array<{ id: string; node: string | undefined; update: Uint8Array | undefined }> = [];
    for (const [idBytes, fields] of raw) {
      const id = idBytes.toString();
      if (compareStreamIds(id, upto) > 0) entries.push({ id, node: entryField(fields, 'n')?.toString(), update: entryField(fields, 'u') });
    }
    return { snapshot, upto, entries };
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

  private liveChannel(key: RoomKey): string {
    return `${this.prefix}room:{${key}}:live`;
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
