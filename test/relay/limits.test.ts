import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { signToken } from '../../extension/src/core/sync/shareKeys';
import { proxyBlock } from '../../relay/src/clientAddress';
import { addressKey } from '../../relay/src/limits';
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

  it('counts the upgrade budget per address: a garbage-token flood from one address denies no one else', async () => {
    await f.start({ limits: { upgradesPerSecond: 2, upgradeBurst: 10 } });
    const keys = f.share();
    const url = roomUrl(f.relay.url, keys.shareId, 'transcript');
    const flood = await Promise.all(Array.from({ length: 60 }, () => tryUpgrade(url, { protocols: ['tandem.garbage'], localAddress: '127.0.0.2' })));
    assert.ok(flood.filter((o) => !o.opened && o.status === 503).length >= 40, 'the flooding address runs out of budget');
    const checks = await Promise.all(Array.from({ length: 20 }, () => postCheck(f.relay.url, keys.shareId, 'garbage', '127.0.0.2')));
    assert.ok(checks.filter((status) => status === 429).length >= 15, '/check spends the same per-address budget');
    const valid = await openMany(url, [`tandem.${f.token(keys, 'observer')}`], 8);
    assert.deepEqual(valid.map((o) => (o.opened ? 'open' : o.status)), Array(8).fill('open'), 'clients from 127.0.0.1 still get in');
    assert.equal(await postCheck(f.relay.url, keys.shareId, f.token(keys, 'observer'), '127.0.0.1'), 200);
  });

  it('behind a trusted balancer, counts budgets per client it names in X-Forwarded-For; from anyone else the header is ignored', async () => {
    await f.start({ trustedProxies: ['127.0.0.2'], limits: { upgradesPerSecond: 2, upgradeBurst: 10 } });
    const keys = f.share();
    const url = roomUrl(f.relay.url, keys.shareId, 'transcript');
    const viaBalancer = (client: string, token = 'garbage') => tryUpgrade(url, { protocols: [`tandem.${token}`], localAddress: '127.0.0.2', headers: { 'X-Forwarded-For': client } });
    const flood = await Promise.all(Array.from({ length: 40 }, () => viaBalancer('203.0.113.66')));
    assert.ok(flood.filter((o) => !o.opened && o.status === 503).length >= 25, 'the flooding client runs out of budget');
    const others = await Promise.all(Array.from({ length: 8 }, (_, i) => viaBalancer(`198.51.100.${i + 1}`, f.token(keys, 'observer'))));
    for (const o of others) if (o.opened) f.onDispose(() => o.ws.close());
    assert.deepEqual(others.map((o) => (o.opened ? 'open' : o.status)), Array(8).fill('open'), "the balancer's other clients still get in");
    // a client that is not the balancer cannot choose its address with the header
    const spoofed = await Promise.all(Array.from({ length: 40 }, (_, i) => tryUpgrade(url, { protocols: ['tandem.garbage'], localAddress: '127.0.0.3', headers: { 'X-Forwarded-For': `192.0.2.${i + 1}` } })));
    assert.ok(spoofed.filter((o) => !o.opened && o.status === 503).length >= 25, 'a forged X-Forwarded-For from an untrusted peer is ignored');
  });

  it('refuses a --trusted-proxy that is not an address or CIDR block, naming it', () => {
    assert.throws(() => proxyBlock('nginx'), /not "nginx"/);
    assert.throws(() => proxyBlock('10.0.0.0/33'), /not "10.0.0.0\/33"/);
    assert.deepEqual(proxyBlock('172.28.0.0/16'), { address: '172.28.0.0', prefix: 16, type: 'ipv4' });
    assert.deepEqual(proxyBlock('fd00::1'), { address: 'fd00::1', prefix: undefined, type: 'ipv6' });
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped one as IPv4', () => {
    assert.equal(addressKey('2001:db8:0:0:1::2'), addressKey('2001:DB8::ffff:3'));
    assert.notEqual(addressKey('2001:db8:0:1::1'), addressKey('2001:db8::1'));
    assert.equal(addressKey('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(addressKey('127.0.0.2'), '127.0.0.2');
  });

  it('cuts half-sent upgrades past a few per address at once, and times the rest out', async () => {
    await f.start({ limits: { maxPendingPerIp: 5, headersTimeoutMs: 1000 } });
    const keys = f.share();
    const sockets = await Promise.all(Array.from({ length: 40 }, () => halfSentUpgrade(f.relay.port, keys.shareId, '127.0.0.2')));
    let closed = 0;
    for (const s of sockets) s.once('close', () => closed++);
    f.onDispose(() => sockets.forEach((s) => s.destroy()));
    await waitFor(() => closed >= 35, { timeoutMs: 2000, what: 'sockets past the cap to be cut' });
    const viewer = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await f.synced(viewer.provider);
    await waitFor(() => closed === 40, { timeoutMs: 4000, what: 'the held half-sent upgrades to time out' });
    assert.ok(f.relay.metrics.pendingRefusals.get() >= 35);
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

function postCheck(relayUrl: string, shareId: string, token: string, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${relayUrl}/check/ws/${shareId}/transcript`, { method: 'POST', localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(token);
  });
}

/** A TCP connection that starts an upgrade request and never finishes its headers. */
function halfSentUpgrade(port: number, shareId: string, localAddress: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress }, () => {
      socket.write(`GET /ws/${shareId}/transcript HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n`);
      resolve(socket);
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}
