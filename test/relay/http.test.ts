import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RelayFixture } from './helpers/relayFixture';

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
