import assert from 'node:assert/strict';
import { Origin, addPrompt, readPrompts } from '../../protocol/src';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture } from './helpers/relayFixture';

const prompt = (id: string, author: string) => ({ id, text: `prompt ${id}`, author, createdAt: 1, kind: 'resume' as const });

describe('relay: stock y-websocket clients', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  it('two stock clients converge through the relay', async () => {
    await f.start();
    const keys = f.share();
    const host = f.stockClient(keys, 'queue', f.token(keys, 'host'));
    const prompter = f.stockClient(keys, 'queue', f.token(keys, 'prompter'));
    await Promise.all([f.synced(host.provider), f.synced(prompter.provider)]);
    addPrompt(host.doc, prompt('host-0001', 'host'), Origin.composer);
    addPrompt(prompter.doc, prompt('prompter-01', 'ann'), Origin.composer);
    const ids = (doc: typeof host.doc) => readPrompts(doc).valid.map((p) => p.id).sort();
    await waitFor(() => ids(host.doc).length === 2 && ids(prompter.doc).length === 2, { what: 'both docs to hold both prompts' });
    assert.deepEqual(ids(host.doc), ids(prompter.doc));
  });
});
