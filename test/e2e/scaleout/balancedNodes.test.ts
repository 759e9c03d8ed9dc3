import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { roomName, websocketBase, type RoomKind } from '../../../protocol/src';
import { generateShareKeys, signToken, type ShareKeys } from '../../../extension/src/core/sync/shareKeys';
import { CliProcess, runCliCaptured, shareLinks } from '../../helpers/cli';
import { NginxBalancer, hasNginx } from '../../helpers/nginxBalancer';
import { RedisServer, hasRedisServer } from '../../helpers/redisServer';
import { waitFor } from '../../helpers/waitFor';
import { tryUpgrade } from '../../relay/helpers/rawClient';
import { exited, freePort, spawnRelay, type RelayProcess } from '../../relay/helpers/relayProcess';

// Scale-out with real parts: redis-server, two relay processes sharing it, nginx balancing them.

const corpusSession = path.resolve(__dirname, '../../../../shared/corpus/real/bradymholt-dotfiles');
const corpusId = '354b2588-2a5c-43d7-b678-e95a4a87bd2a';
const corpusFile = path.join(corpusSession, 'projects/-Users-bholt-dev-evergreen', `${corpusId}.jsonl`);

describe('e2e: relay nodes behind nginx, sharing rooms through Redis', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  const nodes: RelayProcess[] = [];
  let ports: number[];
  let balancer: NginxBalancer;
  const providers: WebsocketProvider[] = [];

  before(async function () {
    if (!hasRedisServer() || !hasNginx()) {
      if (process.env.CI) throw new Error('redis-server and nginx must be installed: .ci/run apt-get installs them');
      this.skip();
    }
    redis = await RedisServer.start();
    ports = [await freePort(), await freePort()];
    const balancerPort = await freePort();
    // nginx connects to the nodes from 127.0.0.1 and names its client in X-Forwarded-For
    for (const port of ports) nodes.push(await spawnRelay(['--redis', redis.url, '--port', String(port), '--public-url', `http://127.0.0.1:${balancerPort}`, '--trusted-proxy', '127.0.0.1']));
    balancer = await NginxBalancer.start(ports, balancerPort);
  });

  after(async () => {
    providers.forEach((p) => p.destroy());
    for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGKILL');
    await Promise.all(nodes.map((n) => exited(n.child)));
    await balancer?.stop();
    await redis?.stop();
  });

  function client(baseUrl: string, keys: ShareKeys, room: RoomKind, role: 'host' | 'observer' | 'prompter'): { doc: Y.Doc; provider: WebsocketProvider } {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(websocketBase(baseUrl), roomName(keys.shareId, room), doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token: signToken(keys, { role, ttlSeconds: 3600 }).token },
      disableBc: true,
      maxBackoffTime: 500,
    });
    providers.push(provider);
    return { doc, provider };
  }

  it('`tandem share` on node A and `tandem open --raw` on node B are byte-exact on a real session', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-scaleout-'));
    const env = { ...process.env, TANDEM_HOME: home, HOME: home };
    const host = new CliProcess(['share', corpusId, '--claude-dir', corpusSession, '--relay', nodes[0].url, '--prompts', 'never'], env);
    try {
      const links = await shareLinks(host);
      const onB = links.observer.replace(nodes[0].url, nodes[1].url);
      assert.notEqual(onB, links.observer);
      const raw = await runCliCaptured(['open', onB, '--raw'], { env });
      assert.equal(raw.code, 0, raw.stderr);
      assert.ok(raw.stdout === fs.readFileSync(corpusFile, 'utf8'), `the transcript read through node B differs from the file (${raw.stdout.length} vs ${fs.statSync(corpusFile).size} bytes)`);
    } finally {
      await host.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it("a flood of upgrades from one client through nginx spends that client's budget on each node, not everyone's", async () => {
    const keys = generateShareKeys();
    const url = `${websocketBase(balancer.url)}/${roomName(keys.shareId, 'transcript')}`;
    // past the burst of 200 upgrades per address that each node allows
    const flood = await Promise.all(Array.from({ length: 800 }, () => tryUpgrade(url, { protocols: ['tandem.garbage'], localAddress: '127.0.0.2' })));
    assert.ok(flood.filter((o) => !o.opened && o.status === 503).length >= 50, `the flooding client ran out of budget (${flood.filter((o) => !o.opened && o.status === 503).length} refused with 503)`);
    const token = signToken(keys, { role: 'host', ttlSeconds: 3600 }).token;
    const others = await Promise.all(Array.from({ length: 8 }, () => tryUpgrade(url, { protocols: [`tandem.${token}`], localAddress: '127.0.0.1' })));
    for (const o of others) if (o.opened) o.ws.close();
    assert.deepEqual(others.map((o) => (o.opened ? 'open' : o.status)), Array(8).fill('open'), 'another client behind the same nginx still gets in');
  });

  it('kill -9 of the node a writer is on during a burst: it reconnects through nginx to the other node, nothing lost or duplicated', async () => {
    const keys = generateShareKeys();
    const host = client(balancer.url, keys, 'transcript', 'host');
    const viewer = client(balancer.url, keys, 'transcript', 'observer');
    await waitFor(() => host.provider.synced && viewer.provider.synced, { timeoutMs: 10_000, what: 'both clients synced through nginx' });
    const hostNode = await waitFor(
      async () => {
        for (const [i, port] of ports.entries()) {
          const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
          if (/tandem_relay_connections\{[^}]*role="host"[^}]*\} 1/.test(metrics)) return { i };
        }
        return null;
      },
      { what: 'the node the writer is connected to' },
    );
    const lines = host.doc.getArray<string>('lines');
    const expected: string[] = [];
    for (let n = 0; n < 300; n++) {
      const line = JSON.stringify({ n });
      expected.push(line);
      lines.push([line]);
      if (n === 150) {
        nodes[hostNode.i].child.kill('SIGKILL');
        await exited(nodes[hostNode.i].child);
      }
      if (n % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => viewer.doc.getArray('lines').length >= expected.length, { timeoutMs: 30_000, what: 'every line at the viewer after the failover' });
    assert.deepEqual(viewer.doc.getArray('lines').toArray(), expected);
    // What Redis holds is the same: a fresh client through the surviving node reads it exactly.
    const survivor = nodes[1 - hostNode.i];
    const late = client(survivor.url, keys, 'transcript', 'observer');
    await waitFor(() => late.provider.synced && late.doc.getArray('lines').length === expected.length, { timeoutMs: 10_000, what: 'a fresh reader on the surviving node' });
    assert.deepEqual(late.doc.getArray('lines').toArray(), expected);
  });
});
