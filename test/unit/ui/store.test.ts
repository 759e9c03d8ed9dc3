import assert from 'node:assert/strict';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { Origin, appendLines, readPrompts, setRun, type TxOrigin } from '../../../protocol/src';
import type { ConnectionStatus, SessionConnection } from '../../../webview-ui/src/data/connection';
import { SessionStore } from '../../../webview-ui/src/data/sessionStore';
import { prompt } from './lines';

// The store over two plain Y.Docs: what a relay connection hands it, minus the network.
function localConnection(): SessionConnection & { setStatus(s: ConnectionStatus): void; settle(): void; refuse(reason: string): void } {
  const transcript = new Y.Doc();
  const queue = new Y.Doc();
  const awareness = new Awareness(transcript);
  const listeners = new Set<(s: ConnectionStatus) => void>();
  const refusals = new Set<(reason: string) => void>();
  const settled: Array<() => void> = [];
  let status: ConnectionStatus = { kind: 'connecting' };
  return {
    transcript,
    queue,
    awareness,
    status: () => status,
    onStatus: (l) => (listeners.add(l), () => listeners.delete(l)),
    onWriteRefused: (l) => (refusals.add(l), () => refusals.delete(l)),
    writesSettled: () => new Promise((resolve) => settled.push(resolve)),
    setStatus(s) {
      status = s;
      for (const l of listeners) l(s);
    },
    /** the relay judged every write so far (without refusing the ones not refused before) */
    settle() {
      for (const r of settled.splice(0)) r();
    },
    refuse(reason) {
      for (const l of refusals) l(reason);
    },
    dispose: () => awareness.destroy(),
  };
}

describe('ui store: what the viewer reads and writes', () => {
  it('reads the transcript once the rooms have synced, and follows it live', () => {
    const c = localConnection();
    appendLines(c.transcript, [prompt('before sync')], Origin.fixture);
    const store = new SessionStore(c, { role: 'observer', bound: { author: 'Olu', tokenId: 'Olu-token' } });
    assert.equal(store.snapshot().feed.items.length, 0, 'nothing is built from a half-synced document');
    c.setStatus({ kind: 'synced' });
    assert.equal(store.snapshot().feed.items.length, 1);
    appendLines(c.transcript, [prompt('live')], Origin.tail);
    assert.equal(store.snapshot().feed.items.length, 2);
    store.dispose();
  });

  it('queues prompts for a prompter link with the composer origin, and refuses empty or observer prompts', () => {
    const c = localConnection();
    const origins: TxOrigin[] = [];
    c.queue.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.changed.size > 0) origins.push(tr.origin as TxOrigin);
    });
    const prompter = new SessionStore(c, { role: 'prompter', bound: { author: 'Ana', tokenId: 'Ana-token' } });
    assert.equal(prompter.queuePrompt('   '), 'Write a prompt first.');
    assert.equal(prompter.queuePrompt('  run the tests  '), null);
    assert.equal(prompter.queuePrompt('start over', '/home/ana/other'), null);
    const queued = readPrompts(c.queue).valid;
    assert.deepEqual(queued.map((p) => [p.text, p.author, p.kind, p.project]), [
      ['run the tests', 'Ana', 'resume', undefined],
      ['start over', 'Ana', 'new', '/home/ana/other'],
    ]);
    assert.deepEqual(origins, [Origin.composer, Origin.composer]);
    const rows = prompter.snapshot().queue;
    assert.deepEqual(rows.map((r) => r.state), ['queued', 'queued']);

    setRun(c.transcript, { promptId: queued[0].id, state: 'running', updatedAt: 1 }, Origin.runner);
    assert.equal(prompter.snapshot().queue[0].state, 'running');
    prompter.cancel(queued[0].id);
    assert.equal(prompter.snapshot().queue[0].cancelRequested, true);

    const observer = new SessionStore(c, { role: 'observer', bound: { author: 'Olu', tokenId: 'Olu-token' } });
    assert.match(observer.queuePrompt('sneaky') ?? '', /can only watch/);
    observer.cancel(queued[1].id);
    assert.equal(readPrompts(c.queue).valid.length, 2);
    assert.equal(observer.snapshot().queue[1].cancelRequested, false, 'an observer cannot cancel');
    prompter.dispose();
    observer.dispose();
  });

  it('lists who is watching from parsed presence, ignoring states that do not parse', () => {
    const c = localConnection();
    c.awareness.setLocalState({ user: { name: 'Ana', role: 'prompter', client: 'browser' } });
    const other = new Awareness(new Y.Doc());
    other.setLocalState({ user: { name: 'x'.repeat(500), role: 'god', client: 'browser' } });
    c.awareness.states.set(other.clientID, other.getLocalState()!);
    const store = new SessionStore(c, { role: 'prompter', bound: { author: 'Ana', tokenId: 'Ana-token' } });
    assert.deepEqual(store.snapshot().watchers.map((w) => [w.label, w.self]), [['Ana', true]]);
    store.dispose();
    other.destroy();
  });

  it('marks the prompt the relay refused with its reason, and not the ones it took before', async () => {
    const c = localConnection();
    const store = new SessionStore(c, { role: 'prompter', bound: { author: 'Ana', tokenId: 'Ana-token' } });
    assert.equal(store.queuePrompt('taken'), null);
    c.settle();
    await Promise.resolve(); // the store hears of the settled write
    assert.equal(store.queuePrompt('one too many'), null);
    c.refuse('this link already has 20 prompts waiting for the host');
    const rows = store.snapshot().queue;
    assert.deepEqual(
      rows.map((r) => [r.prompt.text, r.state, r.refused]),
      [
        ['taken', 'queued', undefined],
        ['one too many', 'rejected', 'this link already has 20 prompts waiting for the host'],
      ],
    );
    store.dispose();
  });
});
