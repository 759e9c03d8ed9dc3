import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import * as Y from 'yjs';
import { Origin, appendLines, readLines } from '../../protocol/src';
import { encodeAwarenessEntries } from '../../relay/src/roomAwareness';
import { syncStep1Message } from '../../relay/src/syncMessages';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture } from './helpers/relayFixture';
import { roomUrl, tryUpgrade } from './helpers/rawClient';

const MiB = 1024 * 1024;
const QUERY_AWARENESS = Buffer.from([3]);

describe('relay: replies a client asks for obey its send buffer bound', function () {
  this.timeout(60_000);
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  it('a socket that never reads and floods awareness queries and SyncStep1 gets coalesced answers; others keep working', async () => {
    await f.start();
    const keys = f.share();
    const url = roomUrl(f.relay.url, keys.shareId, 'transcript');
    const host = f.stockClient(keys, 'transcript', f.token(keys, 'host'));
    await f.synced(host.provider);
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(10_000) }));
    appendLines(host.doc, lines, Origin.tail);
    const probe = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await waitFor(() => readLines(probe.doc).length === lines.length, { what: 'a 3 MB document on the relay' });

    // Five watchers with 4 KB presence states: every awareness snapshot is ~20 KB.
    for (let clientId = 1; clientId <= 5; clientId++) {
      const o = await tryUpgrade(url, { protocols: [`tandem.${f.token(keys, 'observer')}`] });
      if (!o.opened) throw new Error('a watcher should connect');
      f.onDispose(() => o.ws.terminate());
      o.ws.send(encodeAwarenessEntries([{ clientId, clock: 1, state: JSON.stringify({ user: { name: 'w'.repeat(4000) } }) }]));
    }
    await waitFor(() => f.relay.metrics.messages.get({ direction: 'in', type: 'awareness' }) >= 5, { what: 'the presence states' });

    const attacker = await tryUpgrade(url, { protocols: [`tandem.${f.token(keys, 'observer')}`] });
    if (!attacker.opened) throw new Error('the attacker should connect');
    f.onDispose(() => attacker.ws.terminate());
    ((attacker.ws as unknown as { _socket: Socket })._socket).pause();
    const rssBefore = process.memoryUsage().rss;
    const queries = 20_000;
    const syncs = 1_000;
    const emptyStep1 = syncStep1Message(Y.encodeStateVector(new Y.Doc()));
    for (let i = 0; i < queries; i++) {
      attacker.ws.send(QUERY_AWARENESS);
      if (i % (queries / syncs) === 0) attacker.ws.send(emptyStep1);
    }
    await waitFor(() => f.relay.metrics.messages.get({ direction: 'in', type: 'query-awareness' }) >= queries, { timeoutMs: 20_000, what: 'the relay to read the whole flood' });
    await waitFor(() => f.relay.metrics.messages.get({ direction: 'in', type: 'sync' }) >= syncs, { what: 'the SyncStep1 repeats' });

    const queued = f.relay.stats().maxBufferedBytes;
    assert.ok(queued <= f.relay.limits.highWaterBytes + f.relay.limits.chunkBytes, `the relay queued ${(queued / MiB).toFixed(1)} MiB for a socket that never reads`);
    const grown = process.memoryUsage().rss - rssBefore;
    assert.ok(grown < 150 * MiB, `relay RSS grew by ${(grown / MiB).toFixed(0)} MiB during the flood`);
    assert.ok(f.relay.metrics.coalescedReplies.get({ kind: 'awareness' }) > queries / 2, 'awareness queries were coalesced');
    assert.ok(f.relay.metrics.coalescedReplies.get({ kind: 'sync' }) > syncs / 2, 'SyncStep1 repeats were coalesced');
    const syncOut = f.relay.metrics.bytes.get({ direction: 'out', type: 'sync' });
    assert.ok(syncOut < 12 * 3.1 * MiB, `the relay sent ${(syncOut / MiB).toFixed(0)} MiB of sync answers for a 3 MB document`);

    const late = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await f.synced(late.provider, 10_000);
    appendLines(host.doc, ['after the flood'], Origin.tail);
    await waitFor(() => readLines(late.doc).at(-1) === 'after the flood' && readLines(probe.doc).at(-1) === 'after the flood', { what: 'other viewers to keep getting live lines' });
  });
});
