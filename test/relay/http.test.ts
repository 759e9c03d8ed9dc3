import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { RelayHandle } from '../../relay/src/startRelay';
import { RelayFixture } from './helpers/relayFixture';
import { roomUrl, tryUpgrade } from './helpers/rawClient';

describe('relay: http endpoints', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  it('serves health, readiness and Prometheus metrics', async () => {
    await f.start();
    assert.equal((await fetch(`${f.relay.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${f.relay.url}/readyz`)).status, 200);
    const keys = f.share();
    const viewer = f.stockClient(keys, 'transcript', f.token(keys, 'host'));
    await f.synced(viewer.provider);
    const metrics = await (await fetch(`${f.relay.url}/metrics`)).text();
    for (const name of [
      'tandem_relay_connections{role="host",room="transcript"} 1',
      'tandem_relay_rooms 1',
      'tandem_relay_messages_total{direction="in",type="sync"}',
      'tandem_relay_bytes_total{direction="out",type="sync"}',
      'tandem_relay_sync_duration_seconds_count',
      'tandem_relay_lagging_sockets 0',
      'tandem_relay_event_loop_delay_seconds{quantile="0.99"}',
      'tandem_relay_memory_bytes{kind="rss"}',
      '# TYPE tandem_relay_coalesced_replies_total counter',
      '# TYPE tandem_relay_pending_socket_refusals_total counter',
      '# TYPE tandem_relay_host_refusals_total counter',
      '# TYPE tandem_relay_quota_refusals_total counter',
    ]) {
      assert.ok(metrics.includes(name), `metrics lack ${name}`);
    }
  });

  it('serves the viewer at / and /s/<share id> with a strict CSP, assets by path, nothing outside the build', async () => {
    const staticDir = f.tempDir();
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>viewer</title><script src="/browser.js"></script>');
    fs.writeFileSync(path.join(staticDir, 'browser.js'), 'console.log(1)');
    fs.writeFileSync(path.join(path.dirname(staticDir), 'secret.txt'), 'secret');
    f.onDispose(() => fs.rmSync(path.join(path.dirname(staticDir), 'secret.txt'), { force: true }));
    await f.start({ staticDir });
    const keys = f.share();
    for (const page of ['/', `/s/${keys.shareId}`]) {
      const res = await fetch(`${f.relay.url}${page}`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /<title>viewer<\/title>/);
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'.*script-src 'self'/);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    }
    const js = await fetch(`${f.relay.url}/browser.js`);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    for (const evil of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      assert.equal((await fetch(`${f.relay.url}${evil}`)).status, 404, evil);
    }
  });

  it('shows a placeholder page when the viewer is not built', async () => {
    await f.start({ staticDir: f.tempDir() });
    const res = await fetch(`${f.relay.url}/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /viewer is not built/);
  });
});

describe('relay: answers only for its own names (DNS rebinding)', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  function request(relay: RelayHandle, method: string, pathname: string, headers: Record<string, string>, body = ''): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: relay.port, method, path: pathname, headers }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('refuses an upgrade, /check, /revoke and pages asked for under a foreign Host, with a matching Origin', async () => {
    const relay = await f.start();
    const keys = f.share();
    const evil = `evil.example:${relay.port}`;
    const token = f.token(keys, 'prompter');
    const upgrade = await tryUpgrade(roomUrl(relay.url, keys.shareId, 'queue'), { protocols: [`tandem.${token}`], headers: { host: evil, origin: `http://${evil}` } });
    if (upgrade.opened) upgrade.ws.close();
    assert.equal(upgrade.opened ? 'opened' : upgrade.status, 403);
    assert.match(upgrade.opened ? '' : upgrade.body, /answers only for/);
    const check = await request(relay, 'POST', `/check/ws/${keys.shareId}/queue`, { host: evil, origin: `http://${evil}` }, token);
    assert.equal(check.status, 421);
    assert.equal(check.headers['access-control-allow-origin'], undefined, '/check echoes no CORS for a foreign Host');
    assert.match(JSON.parse(check.body).reason, /--public-url/);
    for (const [method, pathname] of [['POST', '/revoke'], ['GET', '/'], ['GET', `/s/${keys.shareId}`], ['GET', '/metrics'], ['OPTIONS', `/check/ws/${keys.shareId}/queue`]]) {
      assert.equal((await request(relay, method, pathname, { host: evil, origin: `http://${evil}` })).status, 421, `${method} ${pathname}`);
    }
    for (const name of ['127.0.0.1.evil.example', 'localhost.evil.example', 'evil.example']) {
      assert.equal((await request(relay, 'GET', '/', { host: `${name}:${relay.port}` })).status, 421, name);
    }
    assert.equal((await request(relay, 'GET', '/healthz', { host: evil })).status, 200, 'probes answer under any name');
    for (const name of [`localhost:${relay.port}`, `127.0.0.1:${relay.port}`, `[::1]:${relay.port}`, 'LOCALHOST:1234', '10.1.2.3:8443']) {
      assert.equal((await request(relay, 'GET', '/', { host: name })).status, 200, `${name}: names no page can rebind, on any port (port forwarding)`);
    }
    const own = await tryUpgrade(roomUrl(relay.url, keys.shareId, 'queue'), { protocols: [`tandem.${f.token(keys, 'host')}`], headers: { origin: `http://127.0.0.1:${relay.port}` } });
    assert.ok(own.opened, 'its own name and origin are let in');
    own.ws.close();
  });

  it('answers under its --public-url and lets pages from it connect', async () => {
    const relay = await f.start({ publicUrl: 'https://relay.example' });
    const keys = f.share();
    assert.equal((await request(relay, 'GET', '/', { host: 'relay.example' })).status, 200);
    assert.equal((await request(relay, 'GET', '/', { host: 'other.example' })).status, 421);
    const tab = await tryUpgrade(roomUrl(relay.url, keys.shareId, 'transcript'), { protocols: [`tandem.${f.token(keys, 'host')}`], headers: { host: 'relay.example', origin: 'https://relay.example' } });
    assert.ok(tab.opened, 'a browser tab on the public URL connects');
    tab.ws.close();
  });
});
