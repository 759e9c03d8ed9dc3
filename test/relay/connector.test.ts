import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { Origin, addPrompt, appendLines, buildLink, readLines, readPrompts } from '../../protocol/src';
import { RoomConnection, connectLink, type RoomStatus } from '../../protocol/src/connector';
import { nodeSocketFactory } from '../../extension/src/core/sync/nodeSocket';
import { signRevokeAll, signToken } from '../../extension/src/core/sync/shareKeys';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture, authorOf } from './helpers/relayFixture';

describe('relay: client connector', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  function connect(keys: { shareId: string }, room: 'transcript' | 'queue', token: string, extra: Partial<ConstructorParameters<typeof RoomConnection>[0]> = {}) {
    const doc = new Y.Doc();
    const conn = new RoomConnection({ relayUrl: f.relay.url, shareId: keys.shareId, room, token, doc, socket: nodeSocketFactory, backoff: { initialMs: 20, maxMs: 200 }, ...extra });
    const statuses: RoomStatus[] = [];
    conn.onStatus((s) => statuses.push(s));
    f.onDispose(() => conn.dispose());
    return { doc, conn, statuses };
  }

  it('syncs a host and a viewer, reporting connecting then synced', async () => {
    await f.start();
    const keys = f.share();
    const host = connect(keys, 'transcript', f.token(keys, 'host'));
    appendLines(host.doc, ['one', 'two'], Origin.tail);
    await host.conn.whenSynced();
    const viewer = connect(keys, 'transcript', f.token(keys, 'observer'));
    await viewer.conn.whenSynced();
    assert.deepEqual(readLines(viewer.doc), ['one', 'two']);
    assert.deepEqual(viewer.statuses.map((s) => s.state), ['synced']);
    appendLines(host.doc, ['three'], Origin.tail);
    await waitFor(() => readLines(viewer.doc).length === 3, { what: 'a live line' });
  });

  it('connects both rooms of a share from a link, with presence', async () => {
    await f.start();
    const keys = f.share();
    const hostDocs = { transcript: new Y.Doc(), queue: new Y.Doc() };
    const docs = { transcript: new Y.Doc(), queue: new Y.Doc() };
    const hostAwareness = new Awareness(hostDocs.queue);
    const awareness = new Awareness(docs.queue);
    awareness.setLocalState({ user: { name: 'ann', role: 'prompter', client: 'cli' } });
    f.onDispose(() => [awareness, hostAwareness].forEach((a) => a.destroy()));
    const host = connectLink(buildLink(f.relay.url, keys.shareId, f.token(keys, 'host')), { docs: hostDocs, socket: nodeSocketFactory, awareness: { queue: hostAwareness } });
    f.onDispose(() => host.dispose());
    await host.whenSynced();
    const prompterToken = f.token(keys, 'prompter');
    const viewer = connectLink(buildLink(f.relay.url, keys.shareId, prompterToken), { docs, socket: nodeSocketFactory, awareness: { queue: awareness } });
    f.onDispose(() => viewer.dispose());
    await viewer.whenSynced();
    assert.equal(viewer.status.state, 'synced');
    addPrompt(docs.queue, { id: 'prompt-0001', text: 'hello', ...authorOf(prompterToken), createdAt: 1, kind: 'resume' }, Origin.composer);
    await waitFor(() => readPrompts(hostDocs.queue).valid.length === 1, { what: 'the prompt at the host' });
    await waitFor(() => hostAwareness.getStates().get(awareness.clientID), { what: "the prompter's presence at the host" });
  });

  it('stops retrying and says why when the link is refused (expired) or revoked while connected', async () => {
    await f.start();
    const keys = f.share();
    const expired = signToken(keys, { role: 'observer', ttlSeconds: 1, now: Date.now() / 1000 - 100 }).token;
    const viewer = connect(keys, 'transcript', expired);
    await assert.rejects(viewer.conn.whenSynced(), /expired on .*new link/);
    assert.equal(viewer.conn.status.state, 'refused');
    assert.equal(viewer.statuses.filter((s) => s.state === 'connecting').length, 0, 'no retry after a permanent refusal');

    const live = connect(keys, 'transcript', f.token(keys, 'observer'));
    await live.conn.whenSynced();
    await fetch(`${f.relay.url}/revoke`, { method: 'POST', body: signRevokeAll(keys) });
    await waitFor(() => live.conn.status.state === 'refused', { what: 'the revoked connection to be refused' });
    assert.deepEqual(live.conn.status, { state: 'refused', code: 4401, reason: 'the host revoked this link' });
  });

  it('retries with backoff while the relay is down, then syncs when it is back on the same port', async () => {
    const dataDir = f.tempDir();
    await f.start({ dataDir });
    const port = f.relay.port;
    const keys = f.share();
    const host = connect(keys, 'transcript', f.token(keys, 'host'));
    appendLines(host.doc, ['before'], Origin.tail);
    await host.conn.whenSynced();
    await f.relay.close();
    await waitFor(() => host.statuses.some((s) => s.state === 'offline'), { what: 'offline status' });
    appendLines(host.doc, ['while offline'], Origin.tail);
    await waitFor(() => host.statuses.filter((s) => s.state === 'offline').length >= 2, { what: 'a second attempt' });
    const offline = host.statuses.filter((s): s is Extract<RoomStatus, { state: 'offline' }> => s.state === 'offline');
    assert.ok(offline[1].attempt > offline[0].attempt);
    assert.match(offline[offline.length - 1].reason, /unreachable|restarting|failed/);

    await f.start({ dataDir, port });
    await waitFor(() => host.conn.status.state === 'synced', { timeoutMs: 5000, what: 'the host to reconnect' });
    const viewer = connect(keys, 'transcript', f.token(keys, 'observer'));
    await viewer.conn.whenSynced();
    assert.deepEqual(readLines(viewer.doc), ['before', 'while offline']);
  });
});
