import assert from 'node:assert/strict';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { MessageType } from '../../protocol/src';
import { revokeAllLinks } from '../../extension/src/core/sync/revokeLinks';
import { RedisServer, hasRedisServer } from '../helpers/redisServer';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture, authorOf } from './helpers/relayFixture';
import { closeCode, recordMessages, roomUrl } from './helpers/rawClient';

// Two relay nodes (in this process) sharing rooms through a real redis-server.

function requireRedis(this: Mocha.Context): void {
  if (hasRedisServer()) return;
  if (process.env.CI) throw new Error('redis-server is not installed: .ci/run must apt-get install redis-server');
  this.skip();
}

describe('relay: nodes sharing rooms through Redis', function () {
  this.timeout(30_000);
  let redis: RedisServer;
  let a: RelayFixture;
  let b: RelayFixture;

  before(async function () {
    requireRedis.call(this);
    redis = await RedisServer.start();
  });
  after(async () => redis?.stop());

  beforeEach(async () => {
    a = new RelayFixture();
    b = new RelayFixture();
    await a.start({ redisUrl: redis.url });
    await b.start({ redisUrl: redis.url });
  });
  afterEach(async () => {
    await a.dispose();
    await b.dispose();
  });

  it('a host on node A and stock clients on node B see one document live, both rooms', async () => {
    const keys = a.share();
    const host = a.stockClient(keys, 'transcript', a.token(keys, 'host'));
    await a.synced(host.provider);
    host.doc.getArray<string>('lines').push(['{"n":1}', '{"n":2}']);
    const viewer = b.stockClientAt(b.relay.url, keys, 'transcript', b.token(keys, 'observer'));
    await b.synced(viewer.provider);
    await waitFor(() => viewer.doc.getArray('lines').length === 2, { what: 'the lines written on A at the viewer on B' });
    host.doc.getArray<string>('lines').push(['{"n":3}']);
    await waitFor(() => viewer.doc.getArray('lines').length === 3, { what: 'a live line from A at B' });
    assert.deepEqual(viewer.doc.getArray('lines').toArray(), ['{"n":1}', '{"n":2}', '{"n":3}']);

    const prompterToken = b.token(keys, 'prompter');
    const prompter = b.stockClientAt(b.relay.url, keys, 'queue', prompterToken);
    const hostQueue = a.stockClient(keys, 'queue', a.token(keys, 'host'));
    await b.synced(prompter.provider);
    await a.synced(hostQueue.provider);
    prompter.doc.getArray('prompts').push([{ id: 'prompt-0001', text: 'x', ...authorOf(prompterToken), createdAt: 1, kind: 'resume' }]);
    await waitFor(() => hostQueue.doc.getArray('prompts').length === 1, { what: 'a queue write on B at the host on A' });
    // node A judges later writes against what node B accepted: the prompter may cancel its own prompt there
    const prompterOnA = a.stockClient(keys, 'queue', prompterToken);
    await a.synced(prompterOnA.provider);
    prompterOnA.doc.getArray('cancels').push([{ promptId: 'prompt-0001', ...authorOf(prompterToken), createdAt: 2 }]);
    await waitFor(() => hostQueue.doc.getArray('cancels').length === 1, { what: 'the cancel, judged on A, at the host' });
    assert.equal(a.relay.metrics.render().match(/tandem_relay_redis_remote_updates_total (\d+)/)?.[1] !== undefined, true);
  });

  it('a node that loads a room later answers a join with only what the client lacks', async () => {
    const keys = a.share();
    const host = a.stockClient(keys, 'transcript', a.token(keys, 'host'));
    await a.synced(host.provider);
    const big = 'x'.repeat(1000);
    host.doc.transact(() => {
      for (let i = 0; i < 500; i++) host.doc.getArray<string>('lines').push([`{"i":${i},"pad":"${big}"}`]);
    });
    await waitFor(() => a.relay.metrics.render().includes('tandem_relay_redis_write_seconds_count 1'), { what: 'the write stored in Redis' });
    // A client that already holds the whole document joins node B, which has not loaded the room yet.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(host.doc));
    const ws = new WebSocket(roomUrl(b.relay.url, keys.shareId, 'transcript', `?token=${b.token(keys, 'observer')}`));
    const got = recordMessages(ws);
    await new Promise((resolve) => ws.once('open', resolve));
    const { syncStep1Message } = await import('../../relay/src/syncMessages');
    ws.send(syncStep1Message(Y.encodeStateVector(copy)));
    await waitFor(() => got.ofType(MessageType.sync).some((m) => m[1] === 1), { what: "node B's SyncStep2" });
    const bytes = got.all.reduce((n, m) => n + m.length, 0);
    assert.ok(bytes < 2000, `B sent ${bytes} bytes to a client that lacked nothing (the document is ${Y.encodeStateAsUpdate(host.doc).length} bytes)`);
    ws.close();
  });

  it('two links racing one prompt id on two nodes: Redis takes the first, the other writer is refused and closed', async () => {
    const keys = a.share();
    const victimToken = a.token(keys, 'prompter');
    const attackerToken = b.token(keys, 'prompter');
    const victim = a.stockClient(keys, 'queue', victimToken);
    const attacker = b.stockClientAt(b.relay.url, keys, 'queue', attackerToken);
    const hostQueue = a.stockClient(keys, 'queue', a.token(keys, 'host'));
    await Promise.all([a.synced(victim.provider), b.synced(attacker.provider), a.synced(hostQueue.provider)]);
    // in one tick, so neither node has read the other's write from Redis when it judges its own
    victim.doc.getArray('prompts').push([{ id: 'prompt-race-1', text: 'the victim asks', ...authorOf(victimToken), createdAt: 1, kind: 'resume' }]);
    attacker.doc.getArray('prompts').push([{ id: 'prompt-race-1', text: 'rm -rf the attacker says', ...authorOf(attackerToken), createdAt: 1, kind: 'resume' }]);
    const refusals = () => [a, b].reduce((n, node) => n + Number(node.relay.metrics.render().match(/tandem_relay_queue_refusals_total\{rule="taken-on-another-node"\} (\d+)/)?.[1] ?? 0), 0);
    const prompts = () => hostQueue.doc.getArray<{ id: string; text: string }>('prompts').toArray();
    await waitFor(() => refusals() === 1 || prompts().length > 1, { what: 'one of the racing writes refused, or both taken' });
    assert.equal(refusals(), 1, `one write refused, not both taken: ${JSON.stringify(prompts())}`);
    await waitFor(() => prompts().length === 1, { what: "the winner's prompt at the host" });
    // the refused writer's client reconnects and resends its prompt, which the rules now refuse
    const loser = prompts()[0].text === 'the victim asks' ? attacker : victim;
    await waitFor(() => loser.provider.wsconnected && loser.provider.synced, { what: 'the refused writer reconnected' });
    const reader = b.stockClientAt(b.relay.url, keys, 'queue', b.token(keys, 'host'));
    await b.synced(reader.provider);
    assert.deepEqual(reader.doc.getArray('prompts').toJSON(), hostQueue.doc.getArray('prompts').toJSON());
    assert.equal(reader.doc.getArray('prompts').length, 1, 'one prompt with that id on every node');
  });

  it('a link revoked through node A is refused by node B, and B closes its open sockets with 4401', async () => {
    const keys = a.share();
    const host = a.stockClient(keys, 'transcript', a.token(keys, 'host'));
    await a.synced(host.provider);
    const observerToken = b.token(keys, 'observer');
    const open = new WebSocket(roomUrl(b.relay.url, keys.shareId, 'transcript', `?token=${observerToken}`));
    await new Promise((resolve) => open.once('open', resolve));
    const closed = closeCode(open);
    await revokeAllLinks(a.relay.url, keys);
    assert.equal((await closed).code, 4401);
    const check = await fetch(`${b.relay.url}/check/ws/${keys.shareId}/transcript`, { method: 'POST', body: observerToken });
    const verdict = (await check.json()) as { ok: boolean; code?: number };
    assert.equal(verdict.ok, false);
    assert.equal(verdict.code, 4401);
  });

  it('keeps every acknowledged write across a Redis restart; nodes reconnect and clients come back', async () => {
    const keys = a.share();
    const host = a.stockClient(keys, 'transcript', a.token(keys, 'host'));
    const viewer = b.stockClientAt(b.relay.url, keys, 'transcript', b.token(keys, 'observer'));
    await a.synced(host.provider);
    await b.synced(viewer.provider);
    host.doc.getArray<string>('lines').push(['before']);
    await waitFor(() => viewer.doc.getArray('lines').length === 1, { what: 'the first line at B' });

    await redis.kill();
    await waitFor(async () => (await fetch(`${a.relay.url}/readyz`)).status === 503, { what: 'node A to report not ready while Redis is down' });
    const notReady = await fetch(`${b.relay.url}/readyz`);
    assert.equal(notReady.status, 503);
    assert.match(await notReady.text(), /^not ready: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ since \d{4}-.*writes are refused/, '/readyz says why');
    host.doc.getArray<string>('lines').push(['during']); // refused by A (1013); the stock client keeps it and resends
    await redis.restart();
    await waitFor(async () => (await fetch(`${a.relay.url}/readyz`)).status === 200, { timeoutMs: 10_000, what: 'node A ready again' });
    await waitFor(() => viewer.doc.getArray('lines').length === 2, { timeoutMs: 15_000, what: 'the line written while Redis was down at B' });
    host.doc.getArray<string>('lines').push(['after']);
    await waitFor(() => viewer.doc.getArray('lines').length === 3, { timeoutMs: 10_000, what: 'a live line after the restart' });
    assert.deepEqual(viewer.doc.getArray('lines').toArray(), ['before', 'during', 'after']);
    const closes = a.relay.metrics.render();
    assert.doesNotMatch(closes, /tandem_relay_closes_total\{code="(?!1013|1000|1005|1006)\d+"\}/, 'clients saw only 1013 (try again later)');
  });

  it('compacts a room in Redis, one node at a time, and a fresh node loads the same document', async () => {
    await a.dispose();
    await b.dispose();
    a = new RelayFixture();
    b = new RelayFixture();
    await a.start({ redisUrl: redis.url, limits: { compactMinBytes: 1, compactFactor: 2 } });
    await b.start({ redisUrl: redis.url, limits: { compactMinBytes: 1, compactFactor: 2 } });
    const keys = a.share();
    const host = a.stockClient(keys, 'transcript', a.token(keys, 'host'));
    const viewer = b.stockClientAt(b.relay.url, keys, 'transcript', b.token(keys, 'observer'));
    await a.synced(host.provider);
    await b.synced(viewer.provider);
    for (let i = 0; i < 40; i++) host.doc.getArray<string>('lines').push([`line ${i} ${'y'.repeat(200)}`]);
    await waitFor(() => viewer.doc.getArray('lines').length === 40, { what: 'all lines at B' });
    await waitFor(() => /tandem_relay_compactions_total [1-9]/.test(a.relay.metrics.render() + b.relay.metrics.render()), { what: 'a compaction' });
    const fresh = new RelayFixture();
    a.onDispose(() => fresh.dispose());
    await fresh.start({ redisUrl: redis.url });
    const late = fresh.stockClient(keys, 'transcript', fresh.token(keys, 'observer'));
    await fresh.synced(late.provider);
    assert.deepEqual(late.doc.getArray('lines').toArray(), host.doc.getArray('lines').toArray());
  });
});
