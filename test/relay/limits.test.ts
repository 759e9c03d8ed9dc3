import assert from 'node:assert/strict';
import { signToken } from '../../extension/src/core/sync/shareKeys';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture } from './helpers/relayFixture';
import { closeCode, roomUrl, tryUpgrade } from './helpers/rawClient';

describe('relay: admission limits and room lifetime', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  async function openMany(url: string, protocols: string[], n: number) {
    const outcomes = [];
    for (let i = 0; i < n; i++) outcomes.push(await tryUpgrade(url, { protocols }));
    for (const o of outcomes) if (o.opened) f.onDispose(() => o.ws.close());
    return outcomes;
  }

  it('limits connections per token and per address with 503 (retry later)', async () => {
    await f.start({ limits: { maxConnectionsPerToken: 3, maxConnectionsPerIp: 5 } });
    const keys = f.share();
    const url = roomUrl(f.relay.url, keys.shareId, 'transcript');
    const one = await openMany(url, [`tandem.${f.token(keys, 'observer')}`], 4);
    assert.deepEqual(one.map((o) => (o.opened ? 'open' : o.status)), ['open', 'open', 'open', 503]);
    const two = await openMany(url, [`tandem.${f.token(keys, 'observer')}`], 3);
    assert.deepEqual(two.map((o) => (o.opened ? 'open' : o.status)), ['open', 'open', 503], 'five from one address');
    assert.equal(f.relay.metrics.authDenials.get({ reason: 'token-limit' }), 1);
    assert.equal(f.relay.metrics.authDenials.get({ reason: 'ip-limit' }), 1);
  });

  it('limits upgrades per second', async () => {
    await f.start({ limits: { upgradesPerSecond: 1, upgradeBurst: 3 } });
    const keys = f.share();
    const outcomes = await openMany(roomUrl(f.relay.url, keys.shareId, 'transcript'), [`tandem.${f.token(keys, 'observer')}`], 5);
    assert.deepEqual(outcomes.map((o) => (o.opened ? 'open' : o.status)), ['open', 'open', 'open', 503, 503]);
  });

  for (const store of ['in memory', 'on disk'] as const) {
    it(`unloads a room from memory once it has been idle, and reloads it with its content on the next connection (${store})`, async () => {
      await f.start({ limits: { idleRoomMs: 50 }, dataDir: store === 'on disk' ? f.tempDir() : undefined });
      const keys = f.share();
      const host = f.stockClient(keys, 'queue', f.token(keys, 'host'));
      await f.synced(host.provider);
      host.doc.getArray<string>('written').push(['before the room left memory']);
      const watcher = f.stockClient(keys, 'queue', f.token(keys, 'observer'));
      await waitFor(() => watcher.doc.getArray('written').length === 1, { what: 'the write to reach the relay and back' });
      assert.equal(f.relay.stats().rooms, 1);
      host.provider.destroy();
      watcher.provider.destroy();
      await waitFor(() => f.relay.stats().rooms === 0, { what: 'the idle room to leave memory' });
      const again = f.stockClient(keys, 'queue', f.token(keys, 'observer'));
      await f.synced(again.provider);
      assert.equal(f.relay.stats().rooms, 1);
      assert.deepEqual(again.doc.getArray<string>('written').toArray(), ['before the room left memory']);
    });
  }

  it('closes a connection with 4401 when its link expires', async () => {
    await f.start();
    const keys = f.share();
    const token = signToken(keys, { role: 'observer', ttlSeconds: 1 }).token;
    const o = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'transcript'), { protocols: [`tandem.${token}`] });
    if (!o.opened) throw new Error('should connect');
    const closed = await closeCode(o.ws);
    assert.equal(closed.code, 4401);
    assert.match(closed.reason, /expired/);
  });
});
