import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { CloseCode, Origin, addPrompt, readPrompts } from '../../protocol/src';
import { parseSize } from '../../relay/src/commandLine';
import { syncUpdateMessage } from '../../relay/src/syncMessages';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture, authorOf } from './helpers/relayFixture';
import { closeCode, roomUrl, tryUpgrade } from './helpers/rawClient';

describe('relay: per-room byte quotas', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  it('closes a prompter pushing past the queue quota with 4413, keeps what fit, and the room stays readable', async () => {
    await f.start({ limits: { queueQuotaBytes: 64 * 1024 } });
    const keys = f.share();
    const host = f.stockClient(keys, 'queue', f.token(keys, 'host'));
    await f.synced(host.provider);
    const prompter = f.token(keys, 'prompter');
    const o = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'queue'), { protocols: [`tandem.${prompter}`] });
    if (!o.opened) throw new Error('the prompter should connect');
    f.onDispose(() => o.ws.terminate());
    let closed: { code: number; reason: string } | undefined;
    void closeCode(o.ws).then((c) => (closed = c));
    const doc = new Y.Doc();
    for (let i = 0; i < 20; i++) {
      const before = Y.encodeStateVector(doc);
      addPrompt(doc, { id: `p-${String(i).padStart(8, '0')}`, text: `${i} ${'x'.repeat(8000)}`, ...authorOf(prompter), createdAt: 1, kind: 'resume' }, Origin.composer);
      o.ws.send(syncUpdateMessage(Y.encodeStateAsUpdate(doc, before)));
    }
    const { code, reason } = await waitFor(() => closed, { what: 'the prompter to be closed' });
    assert.equal(code, CloseCode.roomQuotaExceeded);
    assert.match(reason, /queue room is full \(64 KiB\).*new share/);
    assert.equal(f.relay.metrics.quotaRefusals.get({ room: 'queue' }), 1);

    const reader = f.stockClient(keys, 'queue', f.token(keys, 'observer'));
    await f.synced(reader.provider);
    const kept = readPrompts(reader.doc).valid.length;
    assert.ok(kept >= 5 && kept <= 8, `${kept} prompts of 8 KB fit in 64 KiB`);
    await waitFor(() => readPrompts(host.doc).valid.length === kept, { what: 'the host to hold what fit' });
    assert.ok(host.provider.wsconnected, 'the host stays connected');
  });

  it('reads sizes with binary units and refuses nonsense', () => {
    assert.equal(parseSize('8MiB', '--queue-quota'), 8 * 1024 * 1024);
    assert.equal(parseSize('1g', '--transcript-quota'), 1024 ** 3);
    assert.equal(parseSize('65536', '--queue-quota'), 65536);
    assert.throws(() => parseSize('lots', '--queue-quota'), /--queue-quota must be a size/);
  });
});
