import assert from 'node:assert/strict';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebSocket as WsSocket } from 'ws';
import { MessageType, Origin, appendLines, readLines } from '../../protocol/src';
import { RoomConnection } from '../../protocol/src/connector';
import { nodeSocketFactory } from '../../extension/src/core/sync/nodeSocket';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture } from './helpers/relayFixture';
import { closeCode, recordMessages, roomUrl, tryUpgrade } from './helpers/rawClient';

const MiB = 1024 * 1024;

/** `count` transcript-like lines of about `size` bytes each, in one transaction. */
function bigTranscript(count: number, size: number): Y.Doc {
  const doc = new Y.Doc();
  const pad = 'x'.repeat(size);
  appendLines(doc, Array.from({ length: count }, (_, i) => `{"type":"assistant","n":${i},"text":"${pad}"}`), Origin.fixture);
  return doc;
}

function syncStep1(sv: Uint8Array): Buffer {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint8Array(e, sv);
  return Buffer.from(encoding.toUint8Array(e));
}

function syncKind(message: Buffer): number {
  const d = decoding.createDecoder(message);
  decoding.readVarUint(d);
  return decoding.readVarUint(d);
}

describe('relay: big documents and slow readers', function () {
  this.timeout(60_000);
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  async function hostWith(doc: Y.Doc) {
    const keys = f.share();
    const host = new RoomConnection({ relayUrl: f.relay.url, shareId: keys.shareId, room: 'transcript', token: f.token(keys, 'host'), doc, socket: nodeSocketFactory });
    f.onDispose(() => host.dispose());
    await host.whenSynced();
    return { keys, host };
  }

  it('a new stock client syncs a 50 MB document, sent in chunks of a few MiB', async () => {
    await f.start();
    const doc = bigTranscript(50_000, 1000);
    const { keys } = await hostWith(doc);
    assert.ok(Y.encodeStateAsUpdate(doc).length > 50_000_000);

    const viewer = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await f.synced(viewer.provider, 20_000);
    const lines = readLines(viewer.doc);
    assert.equal(lines.length, 50_000);
    assert.equal(lines[49_999], readLines(doc)[49_999]);

    const raw = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'transcript'), { protocols: [`tandem.${f.token(keys, 'observer')}`] });
    if (!raw.opened) throw new Error('raw viewer should connect');
    f.onDispose(() => raw.ws.close());
    const rec = recordMessages(raw.ws);
    raw.ws.send(syncStep1(new Uint8Array([0])));
    await waitFor(() => rec.ofType(MessageType.sync).some((m) => syncKind(m) === 1), { timeoutMs: 20_000, what: 'the final SyncStep2' });
    const sync = rec.ofType(MessageType.sync);
    assert.ok(sync.length >= 24, `sent in ${sync.length} frames`);
    assert.ok(Math.max(...sync.map((m) => m.length)) <= 2.2 * MiB, 'no frame is much bigger than a chunk');
    assert.equal(syncKind(sync[sync.length - 1]), 1, 'updates first, SyncStep2 last');
  });

  it('refuses a 200 MB frame from its header, before reading it', async () => {
    await f.start();
    const keys = f.share();
    for (const role of ['observer', 'host'] as const) {
      const outcome = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'transcript'), { protocols: [`tandem.${f.token(keys, role)}`] });
      if (!outcome.opened) throw new Error(`${role} should connect`);
      const closed = closeCode(outcome.ws);
      const header = Buffer.alloc(14);
      header[0] = 0x82; // FIN + binary
      header[1] = 0x80 | 127; // masked, 64-bit length follows
      header.writeBigUInt64BE(200n * BigInt(MiB), 2);
      (outcome.ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(header);
      assert.equal((await closed).code, 1009, `${role}: message too big`);
    }
  });

  it('keeps the send buffer of a client that stops reading bounded, then resyncs it when it reads again', async () => {
    await f.start({ limits: { highWaterBytes: 4 * MiB, lowWaterBytes: 1 * MiB, chunkBytes: 1 * MiB } });
    const hostDoc = new Y.Doc();
    const { keys } = await hostWith(hostDoc);
    const slow = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await f.synced(slow.provider);
    const socket = (slow.provider.ws as unknown as WsSocket & { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();

    let maxBuffered = 0;
    const line = 'z'.repeat(256 * 1024);
    for (let i = 0; i < 160; i++) {
      appendLines(hostDoc, [`{"n":${i},"t":"${line}"}`], Origin.tail);
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
      maxBuffered = Math.max(maxBuffered, f.relay.stats().maxBufferedBytes);
    }
    await waitFor(() => f.relay.stats().lagging === 1, { what: 'the reader to be marked lagging' });
    const fast = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await waitFor(() => readLines(fast.doc).length === 160, { timeoutMs: 20_000, what: 'another viewer to get all 40 MB' });
    maxBuffered = Math.max(maxBuffered, f.relay.stats().maxBufferedBytes);
    assert.ok(maxBuffered <= 6 * MiB, `the relay buffered at most ${maxBuffered} bytes for the paused reader (40 MB were written)`);

    socket.resume();
    await waitFor(() => readLines(slow.doc).length === 160, { timeoutMs: 20_000, what: 'the slow reader to catch up' });
    assert.deepEqual(readLines(slow.doc), readLines(hostDoc));
    assert.equal(f.relay.stats().lagging, 0);
  });

  it('closes a reader that stays stuck with 1013 (try again later)', async () => {
    await f.start({ limits: { highWaterBytes: 1 * MiB, lowWaterBytes: 256 * 1024, chunkBytes: 256 * 1024, lagTimeoutMs: 400 } });
    const hostDoc = new Y.Doc();
    const { keys } = await hostWith(hostDoc);
    const raw = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'transcript'), { protocols: [`tandem.${f.token(keys, 'observer')}`] });
    if (!raw.opened) throw new Error('raw viewer should connect');
    const closed = closeCode(raw.ws);
    (raw.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    for (let i = 0; i < 200; i++) appendLines(hostDoc, [`{"n":${i},"t":"${"q".repeat(256 * 1024)}"}`], Origin.tail); // 50 MB: more than loopback kernel buffers hold
    await waitFor(() => f.relay.metrics.stalledCloses.get() === 1, { timeoutMs: 10_000, what: 'the relay to give up on the stuck reader' });
    (raw.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    assert.equal((await closed).code, 1013);
  });
});
