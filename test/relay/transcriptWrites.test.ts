import assert from 'node:assert/strict';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { MessageType, Origin, appendLines, readLines } from '../../protocol/src';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture } from './helpers/relayFixture';
import { closeCode, recordMessages, roomUrl, tryUpgrade, updateMessage } from './helpers/rawClient';

// Writes into the transcript room are judged before they are stored: a host link in an attacker's
// hands cannot put bytes in the room's log that are not an update, nor an update that builds on
// content the room does not have (viewers would hold it pending forever).

describe('relay: hostile writes to the transcript room', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  async function hostSocket(keys: ReturnType<RelayFixture['share']>) {
    const outcome = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'transcript'), { protocols: [`tandem.${f.token(keys, 'host')}`] });
    if (!outcome.opened) throw new Error('the host link should connect');
    f.onDispose(() => outcome.ws.terminate());
    return { ws: outcome.ws, rec: recordMessages(outcome.ws) };
  }

  const isStep1 = (m: Buffer) => {
    const d = decoding.createDecoder(m);
    return decoding.readVarUint(d) === MessageType.sync && decoding.readVarUint(d) === 0;
  };

  it('closes a writer sending bytes that are not a Yjs update with 1007, and stores nothing of them', async () => {
    const dataDir = f.tempDir();
    await f.start({ dataDir });
    const keys = f.share();
    const host = f.stockClient(keys, 'transcript', f.token(keys, 'host'));
    await f.synced(host.provider);
    appendLines(host.doc, ['{"type":"user"}'], Origin.tail);
    const before = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await waitFor(() => readLines(before.doc).length === 1, { what: 'the host line at a viewer' });
    const { ws } = await hostSocket(keys);
    const closed = closeCode(ws);
    ws.send(updateMessage(new Uint8Array([1, 1, 200, 200, 200, 7])));
    assert.equal((await closed).code, 1007);
    await f.relay.close();
    await f.start({ dataDir });
    const viewer = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await f.synced(viewer.provider);
    assert.deepEqual(readLines(viewer.doc), ['{"type":"user"}']);
    assert.equal(f.relay.metrics.storageErrors.get({ op: 'load' }), 0, 'nothing unreadable was stored');
  });

  it('drops a write with a gap in its clocks, forwards nothing of it and asks the writer for what is missing', async () => {
    await f.start();
    const keys = f.share();
    const { ws, rec } = await hostSocket(keys);
    const viewerSocket = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'transcript'), { protocols: [`tandem.${f.token(keys, 'observer')}`] });
    if (!viewerSocket.opened) throw new Error('the observer link should connect');
    f.onDispose(() => viewerSocket.ws.terminate());
    const seen = recordMessages(viewerSocket.ws);
    await waitFor(() => f.relay.stats().connections === 2, { what: 'both sockets in the room' });
    const asked = () => rec.all.filter(isStep1).length;
    const askedBefore = asked(); // the relay's own SyncStep1 to a writer may arrive with the upgrade, before recording starts

    const attacker = new Y.Doc();
    appendLines(attacker, ['{"type":"never sent"}'], Origin.fixture);
    const sv = Y.encodeStateVector(attacker);
    appendLines(attacker, ['{"type":"after a gap"}'], Origin.fixture);
    ws.send(updateMessage(Y.encodeStateAsUpdate(attacker, sv)));
    await waitFor(() => asked() === askedBefore + 1, { what: 'a SyncStep1 asking the writer for what the room lacks' });
    assert.equal(f.relay.metrics.writesBehind.get(), 1);

    ws.send(updateMessage(Y.encodeStateAsUpdate(attacker)));
    await waitFor(() => seen.ofType(MessageType.sync).length === 1, { what: 'the whole write, forwarded' });
    const viewer = new Y.Doc();
    for (const m of seen.ofType(MessageType.sync)) {
      const d = decoding.createDecoder(m);
      decoding.readVarUint(d);
      decoding.readVarUint(d);
      Y.applyUpdate(viewer, decoding.readVarUint8Array(d));
    }
    assert.deepEqual(readLines(viewer), ['{"type":"never sent"}', '{"type":"after a gap"}']);
  });
});
