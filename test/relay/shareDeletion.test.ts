import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Origin, appendLines, readLines } from '../../protocol/src';
import { localProof } from '../../relay/src/localProof';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture } from './helpers/relayFixture';
import { closeCode, roomUrl, tryUpgrade } from './helpers/rawClient';

function deleteShare(relayUrl: string, shareId: string, token: string | undefined): Promise<Response> {
  return fetch(`${relayUrl}/s/${shareId}`, { method: 'DELETE', headers: token ? { authorization: `Bearer ${token}` } : {} });
}

describe('relay: DELETE /s/<share> (unshare) and POST /local/proof', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  it('deletes the rooms from disk and memory, closes sockets with 4401 and refuses the old links', async () => {
    const dataDir = f.tempDir();
    await f.start({ dataDir });
    const keys = f.share();
    const host = f.stockClient(keys, 'transcript', f.token(keys, 'host'));
    const viewer = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await Promise.all([f.synced(host.provider), f.synced(viewer.provider)]);
    appendLines(host.doc, ['{"type":"user","secret":"transcript text"}'], Origin.tail);
    await waitFor(() => readLines(viewer.doc).length === 1, { what: 'the line at the viewer' });
    const rooms = path.join(dataDir, 'rooms');
    assert.equal(fs.readdirSync(rooms).length, 1);
    const observer = f.token(keys, 'observer');
    const raw = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'queue'), { protocols: [`tandem.${observer}`] });
    if (!raw.opened) throw new Error('the observer should connect before the delete');
    const closed = closeCode(raw.ws);

    const res = await deleteShare(f.relay.url, keys.shareId, f.token(keys, 'host'));
    assert.equal(res.status, 200);
    const body = (await res.json()) as { ok: boolean; rooms: number };
    assert.ok(body.ok);
    assert.equal((await closed).code, 4401);
    assert.deepEqual(fs.readdirSync(rooms), [], 'room logs are gone from the data folder');
    assert.equal(f.relay.stats().rooms, 0, 'no room left in memory');
    const again = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'transcript'), { protocols: [`tandem.${observer}`] });
    assert.equal(again.opened, false);
    if (!again.opened) assert.match(again.body, /revoked/);
  });

  it('refuses a delete without a host token, with an observer token, or with another share\'s token', async () => {
    await f.start();
    const keys = f.share();
    const other = f.share();
    assert.equal((await deleteShare(f.relay.url, keys.shareId, undefined)).status, 401);
    assert.equal((await deleteShare(f.relay.url, keys.shareId, f.token(keys, 'observer'))).status, 403);
    assert.equal((await deleteShare(f.relay.url, keys.shareId, f.token(keys, 'prompter'))).status, 403);
    assert.notEqual((await deleteShare(f.relay.url, keys.shareId, f.token(other, 'host'))).status, 200);
    const host = f.stockClient(keys, 'transcript', f.token(keys, 'host'));
    await f.synced(host.provider);
  });

  it('answers a proof only when it has a local secret, bound to its port', async () => {
    const secret = crypto.randomBytes(32);
    await f.start({ localSecret: secret });
    const nonce = crypto.randomBytes(32).toString('hex');
    const res = await fetch(`${f.relay.url}/local/proof`, { method: 'POST', body: nonce });
    assert.equal(((await res.json()) as { proof: string }).proof, localProof(secret, f.relay.port, nonce));
    const bad = await fetch(`${f.relay.url}/local/proof`, { method: 'POST', body: 'not a nonce' });
    assert.equal(bad.status, 404);
  });
});
