import assert from 'node:assert/strict';
import { Origin, addPrompt, appendLines, readLines, readPrompts } from '../../protocol/src';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture, authorOf } from './helpers/relayFixture';

const prompt = (id: string, token: string) => ({ id, text: `prompt ${id}`, ...authorOf(token), createdAt: 1, kind: 'resume' as const });

describe('relay: stock y-websocket clients', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  it('two stock clients converge through the relay', async () => {
    await f.start();
    const keys = f.share();
    const tokens = { host: f.token(keys, 'host'), prompter: f.token(keys, 'prompter') };
    const host = f.stockClient(keys, 'queue', tokens.host);
    const prompter = f.stockClient(keys, 'queue', tokens.prompter);
    await Promise.all([f.synced(host.provider), f.synced(prompter.provider)]);
    addPrompt(host.doc, prompt('host-0001', tokens.host), Origin.composer);
    addPrompt(prompter.doc, prompt('prompter-01', tokens.prompter), Origin.composer);
    const ids = (doc: typeof host.doc) => readPrompts(doc).valid.map((p) => p.id).sort();
    await waitFor(() => ids(host.doc).length === 2 && ids(prompter.doc).length === 2, { what: 'both docs to hold both prompts' });
    assert.deepEqual(ids(host.doc), ids(prompter.doc));
  });

  it('forwards live updates of every websocket frame length form (7-bit, 16-bit and 64-bit) intact', async () => {
    await f.start();
    const keys = f.share();
    const host = f.stockClient(keys, 'transcript', f.token(keys, 'host'));
    const viewer = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await Promise.all([f.synced(host.provider), f.synced(viewer.provider)]);
    const socket = viewer.provider.ws; // a frame the client cannot parse would close it and resync on a new one
    const lines = [10, 100, 125, 126, 1000, 65_535, 65_536, 300_000].map((n, i) => `${i}:${'x'.repeat(n)}`);
    for (const line of lines) appendLines(host.doc, [line], Origin.tail); // one update (one frame) each
    await waitFor(() => readLines(viewer.doc).length === lines.length, { what: 'every line to reach the viewer live' });
    assert.deepEqual(readLines(viewer.doc), lines);
    assert.equal(viewer.provider.ws, socket);
    assert.equal(socket?.readyState, socket?.OPEN);
  });
});
