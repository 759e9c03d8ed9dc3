import assert from 'node:assert/strict';
import { signRevocation, signRevokeAll, signToken } from '../../extension/src/core/sync/shareKeys';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture } from './helpers/relayFixture';
import { closeCode, roomUrl, tryUpgrade } from './helpers/rawClient';

describe('relay: authentication before accept', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  async function refused(url: string, protocols: string[] = [], headers: Record<string, string> = {}) {
    const before = f.relay.stats().connections;
    const outcome = await tryUpgrade(url, { protocols, headers });
    assert.equal(outcome.opened, false, 'the upgrade should have been refused');
    if (outcome.opened) throw new Error('unreachable');
    assert.equal(f.relay.stats().connections, before, 'no socket may exist for a refused upgrade');
    return { status: outcome.status, reason: JSON.parse(outcome.body).reason as string };
  }

  it('refuses expired, forged, other-share and missing tokens with HTTP 401/403 and opens no socket', async () => {
    await f.start();
    const keys = f.share();
    const other = f.share();
    const url = roomUrl(f.relay.url, keys.shareId, 'transcript');
    const expired = signToken(keys, { role: 'observer', ttlSeconds: 60, now: Date.now() / 1000 - 3600 }).token;
    const good = f.token(keys, 'observer');
    const [payload] = good.split('.');
    const forged = `${payload}.${f.token(other, 'observer').split('.')[1]}`;

    const e = await refused(url, [`tandem.${expired}`]);
    assert.equal(e.status, 401);
    assert.match(e.reason, /expired on .*ask the host for a new link/);
    assert.equal((await refused(url, [`tandem.${forged}`])).status, 401);
    assert.equal((await refused(`${url}?token=${forged}`)).status, 401);
    const wrongShare = await refused(url, [`tandem.${f.token(other, 'host')}`]);
    assert.equal(wrongShare.status, 403);
    assert.match(wrongShare.reason, /different shared session/);
    assert.equal((await refused(url)).status, 401);
    assert.equal((await refused(url, ['tandem.not-a-token'])).status, 401);
    assert.equal(f.relay.metrics.authDenials.get({ reason: 'expired' }), 1);
    assert.equal(f.relay.metrics.authDenials.get({ reason: 'bad-signature' }), 2);
    assert.ok(!f.rawLog.join('').includes(forged.split('.')[1]), 'tokens never reach the log');
  });

  it('echoes the tandem.<token> subprotocol and never logs tokens', async () => {
    await f.start();
    const keys = f.share();
    const token = f.token(keys, 'host');
    const outcome = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'transcript'), { protocols: [`tandem.${token}`] });
    assert.ok(outcome.opened);
    if (!outcome.opened) return;
    assert.equal(outcome.ws.protocol, `tandem.${token}`);
    const viaQuery = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'queue', `?token=${token}`));
    assert.ok(viaQuery.opened);
    if (viaQuery.opened) viaQuery.ws.close();
    outcome.ws.close();
    await waitFor(() => f.relay.stats().connections === 0, { what: 'sockets to close' });
    const log = f.rawLog.join('');
    assert.ok(!log.includes(token.split('.')[0]) && !log.includes(token.split('.')[1]), 'no part of a token is logged');
    assert.ok(f.logs.some((l) => l.msg === 'connection opened' && l.path === `/ws/${keys.shareId}/queue`), 'paths are logged without the query');
  });

  it('lets browsers in only from allowed origins (its own, VS Code webviews, configured ones)', async () => {
    await f.start({ allowedOrigins: ['vscode-webview://*', 'https://team.example'] });
    const keys = f.share();
    const url = roomUrl(f.relay.url, keys.shareId, 'transcript');
    const protocols = [`tandem.${f.token(keys, 'observer')}`];
    const evil = await refused(url, protocols, { origin: 'https://evil.example' });
    assert.equal(evil.status, 403);
    assert.match(evil.reason, /evil\.example may not connect/);
    for (const origin of ['vscode-webview://1234abcd', 'https://team.example', f.relay.url]) {
      const ok = await tryUpgrade(url, { protocols, headers: { origin } });
      assert.ok(ok.opened, `origin ${origin} should be allowed`);
      if (ok.opened) ok.ws.close();
    }
  });

  it('requires the access key to open a new share, and holds viewers until the host opened it', async () => {
    await f.start({ accessKey: 'sesame' });
    const keys = f.share();
    const url = roomUrl(f.relay.url, keys.shareId, 'transcript');
    const host = [`tandem.${f.token(keys, 'host')}`];
    const viewer = [`tandem.${f.token(keys, 'observer')}`];
    const early = await refused(url, viewer);
    assert.equal(early.status, 503, 'a viewer before the host is told to retry, not refused for good');
    const noKey = await refused(url, host);
    assert.equal(noKey.status, 403);
    assert.match(noKey.reason, /access key/);
    assert.equal((await refused(url, host, { 'x-tandem-access-key': 'wrong' })).status, 403);
    const opened = await tryUpgrade(url, { protocols: host, headers: { 'x-tandem-access-key': 'sesame' } });
    assert.ok(opened.opened);
    const later = await tryUpgrade(url, { protocols: viewer });
    assert.ok(later.opened, 'once the host opened the share, viewers need no key');
    for (const o of [opened, later]) if (o.opened) o.ws.close();
  });

  it('revokes: a signed statement closes live sockets with 4401, refuses the tokens afterwards, and survives a restart', async () => {
    const dataDir = f.tempDir();
    await f.start({ dataDir });
    const keys = f.share();
    const url = roomUrl(f.relay.url, keys.shareId, 'transcript');
    const hostToken = f.token(keys, 'host');
    const a = signToken(keys, { role: 'observer', ttlSeconds: 3600 });
    const b = signToken(keys, { role: 'observer', ttlSeconds: 3600 });
    const host = await tryUpgrade(url, { protocols: [`tandem.${hostToken}`] });
    const viewerA = await tryUpgrade(url, { protocols: [`tandem.${a.token}`] });
    const viewerB = await tryUpgrade(url, { protocols: [`tandem.${b.token}`] });
    if (!host.opened || !viewerA.opened || !viewerB.opened) throw new Error('all three should connect');

    const closedA = closeCode(viewerA.ws);
    const res = await fetch(`${f.relay.url}/revoke`, { method: 'POST', body: signRevocation(keys, { jtis: [a.claims.jti] }) });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true, closed: 1 });
    assert.deepEqual(await closedA, { code: 4401, reason: 'the host revoked this link' });
    assert.equal(viewerB.ws.readyState, viewerB.ws.OPEN, 'other links keep working');
    await waitFor(() => f.relay.stats().connections === 2, { what: 'the relay to drop the revoked socket' });
    const again = await refused(url, [`tandem.${a.token}`]);
    assert.match(again.reason, /revoked/);

    const forged = signRevokeAll(f.share()).replace(/^[^.]+/, signRevokeAll(keys).split('.')[0]);
    assert.equal((await fetch(`${f.relay.url}/revoke`, { method: 'POST', body: forged })).status, 401, 'only the share key can revoke');

    const closedB = closeCode(viewerB.ws);
    const closedHost = closeCode(host.ws);
    const all = await fetch(`${f.relay.url}/revoke`, { method: 'POST', body: signRevokeAll(keys) });
    assert.equal(((await all.json()) as { closed: number }).closed, 2);
    assert.equal((await closedB).code, 4401);
    assert.equal((await closedHost).code, 4401);

    await f.relay.close();
    await f.start({ dataDir });
    const restarted = roomUrl(f.relay.url, keys.shareId, 'transcript');
    assert.match((await refused(restarted, [`tandem.${b.token}`])).reason, /revoked/, 'revocations persist');
    const fresh = signToken(keys, { role: 'observer', ttlSeconds: 3600, now: Date.now() / 1000 + 2 });
    const ok = await tryUpgrade(restarted, { protocols: [`tandem.${fresh.token}`] });
    assert.ok(ok.opened, 'a link issued after the revocation works');
    if (ok.opened) ok.ws.close();
  });

  it('explains a refusal over POST /check with the same rules as the upgrade', async () => {
    await f.start();
    const keys = f.share();
    const check = async (token: string) =>
      (await (await fetch(`${f.relay.url}/check/ws/${keys.shareId}/transcript`, { method: 'POST', body: token })).json()) as Record<string, unknown>;
    assert.deepEqual(await check(f.token(keys, 'prompter')), { ok: true, role: 'prompter' });
    const expired = signToken(keys, { role: 'observer', ttlSeconds: 1, now: Date.now() / 1000 - 100 }).token;
    const r = await check(expired);
    assert.equal(r.ok, false);
    assert.equal(r.code, 4401);
    assert.match(String(r.reason), /expired/);
  });
});
