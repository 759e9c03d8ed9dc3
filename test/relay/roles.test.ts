import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { MessageType, Origin, addPrompt, appendLines, readLines, readPrompts, replaceLinesFrom, roomName, type Role, type RoomKind } from '../../protocol/src';
import { MemoryStorage } from '../../relay/src/storage/memoryStorage';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture, authorOf } from './helpers/relayFixture';
import { deniedReasons, recordMessages, roomUrl, tryUpgrade, updateMessage } from './helpers/rawClient';

describe('relay: roles', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  /** A raw socket with `role` that sends a forbidden update to `room`, as an update and as a SyncStep2. */
  async function forbiddenWrite(role: Role, room: RoomKind, write: (doc: Y.Doc) => void) {
    const keys = f.share();
    const host = f.stockClient(keys, room, f.token(keys, 'host'));
    const watcher = f.stockClient(keys, room, f.token(keys, 'observer'));
    await Promise.all([f.synced(host.provider), f.synced(watcher.provider)]);
    appendLines(host.doc, ['{"type":"user"}'], Origin.tail);
    await waitFor(() => readLines(watcher.doc).length === 1, { what: 'the host line to reach the watcher' });

    const outcome = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, room), { protocols: [`tandem.${f.token(keys, role)}`] });
    if (!outcome.opened) throw new Error(`${role} should connect`);
    f.onDispose(() => outcome.ws.close());
    const rec = recordMessages(outcome.ws);
    const attacker = new Y.Doc();
    Y.applyUpdate(attacker, Y.encodeStateAsUpdate(host.doc));
    const before = Y.encodeStateVector(attacker);
    write(attacker);
    const update = Y.encodeStateAsUpdate(attacker, before);
    outcome.ws.send(updateMessage(update, 2));
    outcome.ws.send(updateMessage(Y.encodeStateAsUpdate(attacker), 1));
    await waitFor(() => rec.ofType(MessageType.auth).length === 2, { what: 'two permission-denied answers' });
    // A write that got through would reach the others before the denial's round trip completes; check
    // after one more round trip through the same room.
    appendLines(host.doc, ['{"type":"assistant"}'], Origin.tail);
    await waitFor(() => readLines(watcher.doc).length === 2, { what: 'the second host line' });
    return { host, watcher, reasons: deniedReasons(rec.ofType(MessageType.auth)), keys };
  }

  it("drops an observer's writes to the transcript, answers permission denied, and counts them", async () => {
    await f.start();
    const { host, watcher, reasons } = await forbiddenWrite('observer', 'transcript', (doc) => {
      replaceLinesFrom(doc, 0, ['{"type":"forged"}'], Origin.fixture);
    });
    assert.deepEqual(readLines(host.doc), ['{"type":"user"}', '{"type":"assistant"}']);
    assert.deepEqual(readLines(watcher.doc), readLines(host.doc));
    assert.match(reasons[0], /observer link cannot write the transcript room/);
    assert.equal(f.relay.metrics.writeDenials.get({ role: 'observer', room: 'transcript' }), 2);
  });

  it("drops a prompter's writes to the transcript but accepts its prompts in the queue", async () => {
    await f.start();
    const { host, keys } = await forbiddenWrite('prompter', 'transcript', (doc) => appendLines(doc, ['{"type":"forged"}'], Origin.fixture));
    assert.deepEqual(readLines(host.doc), ['{"type":"user"}', '{"type":"assistant"}']);
    assert.equal(f.relay.metrics.writeDenials.get({ role: 'prompter', room: 'transcript' }), 2);

    const hostQueue = f.stockClient(keys, 'queue', f.token(keys, 'host'));
    const prompterToken = f.token(keys, 'prompter');
    const prompter = f.stockClient(keys, 'queue', prompterToken);
    await Promise.all([f.synced(hostQueue.provider), f.synced(prompter.provider)]);
    addPrompt(prompter.doc, { id: 'prompt-0001', text: 'x'.repeat(200_000), ...authorOf(prompterToken), createdAt: 1, kind: 'resume' }, Origin.composer);
    await waitFor(() => readPrompts(hostQueue.doc).valid.length === 1, { what: 'a 200 KB prompt to reach the host' });
  });

  it("drops an observer's writes to the queue", async () => {
    await f.start();
    const { host } = await forbiddenWrite('observer', 'queue', (doc) => addPrompt(doc, { id: 'sneaky-01', text: 'rm -rf', author: 'eve', tokenId: 'eve-token', createdAt: 1, kind: 'resume' }, Origin.composer));
    assert.equal(readPrompts(host.doc).valid.length, 0);
    assert.equal(f.relay.metrics.writeDenials.get({ role: 'observer', room: 'queue' }), 2);
  });

  it('treats a sync answer with nothing new as no write: no denial for a reader, nothing stored for a writer', async () => {
    const storage = new MemoryStorage();
    await f.start({ storage });
    const keys = f.share();
    const host = f.stockClient(keys, 'transcript', f.token(keys, 'host'));
    await f.synced(host.provider);
    appendLines(host.doc, ['a', 'b', 'c'], Origin.tail);
    replaceLinesFrom(host.doc, 1, ['c'], Origin.tail);
    const viewer = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await waitFor(() => readLines(viewer.doc).join() === 'a,c', { what: 'the viewer to sync' });
    const key = roomName(keys.shareId, 'transcript');
    const stored = storage.storedBytes(key);

    host.provider.disconnect();
    host.provider.connect();
    await f.synced(host.provider);
    const outcome = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'transcript'), { protocols: [`tandem.${f.token(keys, 'observer')}`] });
    if (!outcome.opened) throw new Error('the observer should connect');
    f.onDispose(() => outcome.ws.close());
    const rec = recordMessages(outcome.ws);
    outcome.ws.send(updateMessage(Y.encodeStateAsUpdate(viewer.doc), 1));
    appendLines(host.doc, ['d'], Origin.tail);
    await waitFor(() => readLines(viewer.doc).length === 3, { what: 'a later host line' });
    assert.equal(rec.ofType(MessageType.auth).length, 0);
    assert.equal(f.relay.metrics.writeDenials.get({ role: 'observer', room: 'transcript' }), 0);
    assert.ok(storage.storedBytes(key) - stored < 100, 'the reconnecting host stored only the new line, not its whole state again');
  });
});
