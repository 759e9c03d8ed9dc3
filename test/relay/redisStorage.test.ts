import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { Redis } from 'ioredis';
import { silentLogger } from '../../relay/src/logger';
import { RedisStorage } from '../../relay/src/redis/redisStorage';
import { RedisServer, hasRedisServer } from '../helpers/redisServer';
import { waitFor } from '../helpers/waitFor';

// The Redis room store on its own: how a node hears other nodes' writes. Live writes come on each
// room's channel; the room's stream is what a node reads whenever the channel could have missed
// something (it started watching the room after loading it, its subscription dropped, the entries it
// lacked were compacted away). Each test counts every update a node applies: none lost, none twice.

describe('relay: the Redis room store', function () {
  this.timeout(30_000);
  let redis: RedisServer;
  const open: RedisStorage[] = [];
  let n = 0;
  let room: string;

  before(async function () {
    if (!hasRedisServer()) {
      if (process.env.CI) throw new Error('redis-server is not installed: .ci/run must apt-get install redis-server');
      this.skip();
    }
    redis = await RedisServer.start();
  });
  after(async () => redis?.stop());
  beforeEach(() => (room = `share-${++n}/transcript`));
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  async function node(): Promise<RedisStorage> {
    const storage = await RedisStorage.open({ url: redis.url }, silentLogger);
    open.push(storage);
    return storage;
  }

  /** A writer's doc and the updates it emits, one per line. */
  function writer() {
    const doc = new Y.Doc();
    const lines = doc.getArray<string>('lines');
    return {
      doc,
      line(text: string): Uint8Array {
        let update: Uint8Array | undefined;
        const take = (u: Uint8Array) => (update = u);
        doc.on('update', take);
        lines.push([text]);
        doc.off('update', take);
        return update as Uint8Array;
      },
    };
  }

  /** Loads and watches `room` on `storage`; `applied` is every update it hears of, in order. */
  async function watcher(storage: RedisStorage) {
    const doc = new Y.Doc();
    const applied: Uint8Array[] = [];
    for (const u of (await storage.load(room)).updates) Y.applyUpdate(doc, u);
    return {
      doc,
      applied,
      start: () =>
        storage.watch(room, (u) => {
          applied.push(u);
          Y.applyUpdate(doc, u);
        }),
      lines: () => doc.getArray<string>('lines').toArray(),
    };
  }

  it('delivers what another node wrote between loading the room and watching it, then live writes, each once', async () => {
    const a = await node();
    const b = await node();
    const w = writer();
    await a.append(room, w.line('before load'));
    const seen = await watcher(b);
    await a.append(room, w.line('between load and watch 1'));
    await a.append(room, w.line('between load and watch 2'));
    seen.start();
    await a.append(room, w.line('live'));
    await waitFor(() => seen.lines().length === 4, { what: 'all four lines at node B' });
    assert.deepEqual(seen.lines(), ['before load', 'between load and watch 1', 'between load and watch 2', 'live']);
    assert.equal(seen.applied.length, 3, 'the two missed writes and the live one, each applied once');
  });

  it('a node whose subscription is killed reads what it missed from the stream, and applies nothing twice', async () => {
    const a = await node();
    const b = await node();
    const w = writer();
    const seen = await watcher(b);
    seen.start();
    await a.append(room, w.line('line 0'));
    await waitFor(() => seen.lines().length === 1, { what: 'the first line at node B' });
    const admin = new Redis(redis.url);
    try {
      // Redis drops B's subscriber connection: what is published until B is back never reaches it
      await admin.client('KILL', 'TYPE', 'pubsub');
      for (let i = 1; i <= 20; i++) await a.append(room, w.line(`line ${i}`));
    } finally {
      admin.disconnect();
    }
    await waitFor(() => seen.lines().length === 21, { timeoutMs: 10_000, what: 'the lines written while B was unsubscribed, read from the stream' });
    await a.append(room, w.line('line 21'));
    await waitFor(() => seen.lines().length === 22, { what: 'a live line once B has resubscribed' });
    assert.deepEqual(seen.lines(), Array.from({ length: 22 }, (_, i) => `line ${i}`));
    assert.equal(seen.applied.length, 22, 'every write applied exactly once');
    assert.match(b.metrics().map((m) => m.render()).join('\n'), /tandem_relay_redis_catch_up_updates_total [1-9]/, 'some were read from the stream');
  });

  it('a node that lacked entries another node compacted away gets the snapshot, then what came after', async () => {
    const a = await node();
    const b = await node();
    const w = writer();
    const seen = await watcher(b); // B loads the empty room and does not watch it yet
    const onA = await watcher(a);
    onA.start();
    for (let i = 0; i < 5; i++) await a.append(room, w.line(`line ${i}`));
    // A compacts everything it has read (its own writes, once they are back on its channel): the
    // stream entries B lacks are trimmed
    const admin = new Redis(redis.url);
    try {
      await waitFor(
        async () => {
          await a.compact(room, Y.encodeStateAsUpdate(w.doc));
          return (await admin.xlen(`tandem:room:{${room}}:log`)) === 0;
        },
        { what: 'a compaction that trims the whole stream' },
      );
    } finally {
      admin.disconnect();
    }
    seen.start();
    await a.append(room, w.line('after the compaction'));
    await waitFor(() => seen.lines().length === 6, { what: 'the compacted lines and the live one at B' });
    assert.deepEqual(seen.lines(), ['line 0', 'line 1', 'line 2', 'line 3', 'line 4', 'after the compaction']);
  });

  it('a node skips its own writes when they come back on the channel', async () => {
    const a = await node();
    const seen = await watcher(a);
    seen.start();
    const w = writer();
    const b = await node();
    const onB = await watcher(b);
    onB.start();
    await a.append(room, w.line('mine'));
    await waitFor(() => onB.lines().length === 1, { what: 'the line at the other node' });
    await a.append(room, w.line('mine too'));
    await waitFor(() => onB.lines().length === 2, { what: 'the second line at the other node' });
    assert.equal(seen.applied.length, 0, 'node A applied none of its own writes again');
  });
});
