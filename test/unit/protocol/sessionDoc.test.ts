import assert from 'node:assert/strict';
import * as Y from 'yjs';
import {
  Origin,
  addCancel,
  addPrompt,
  appendLines,
  appendSideLines,
  isSafeSidePath,
  joinLines,
  queueRoom,
  readCancels,
  readLines,
  readMeta,
  readPrompts,
  readRuns,
  readSideFiles,
  replaceLinesFrom,
  setMeta,
  setRun,
  setSideBlob,
  transcriptRoom,
} from '../../../protocol/src';

describe('protocol: session document', () => {
  it('appends lines in order and joins them back with newlines', () => {
    const doc = new Y.Doc();
    appendLines(doc, ['{"a":1}', '{"b":2}'], Origin.tail);
    appendLines(doc, ['{"c":3}'], Origin.tail);
    assert.deepEqual(readLines(doc), ['{"a":1}', '{"b":2}', '{"c":3}']);
    assert.equal(joinLines(readLines(doc)), '{"a":1}\n{"b":2}\n{"c":3}\n');
    assert.equal(joinLines([]), '');
  });

  it('names the author of every write in the transaction origin', () => {
    const doc = new Y.Doc();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    appendLines(doc, ['x'], Origin.tail);
    setRun(doc, { promptId: 'prompt-0001', state: 'queued', updatedAt: 1 }, Origin.runner);
    assert.deepEqual(origins, [Origin.tail, Origin.runner]);
  });

  it('replaces a tail and bumps the epoch in one transaction, so no viewer sees a mix', () => {
    const doc = new Y.Doc();
    appendLines(doc, ['a', 'b', 'c'], Origin.tail);
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc));
    const seen: string[][] = [];
    remote.on('update', () => seen.push(readLines(remote)));
    doc.on('update', (u: Uint8Array) => Y.applyUpdate(remote, u));
    replaceLinesFrom(doc, 1, ['B', 'C', 'D'], Origin.tail);
    assert.deepEqual(seen, [['a', 'B', 'C', 'D']]);
    assert.equal(readMeta(remote).epoch, 1);
    replaceLinesFrom(doc, 0, [], Origin.tail);
    assert.deepEqual(readLines(remote), []);
    assert.equal(readMeta(remote).epoch, 2);
  });

  it('keeps typed meta and drops fields of the wrong type', () => {
    const doc = new Y.Doc();
    setMeta(doc, { sessionId: 's1', title: 'Fix the build', state: 'live' }, Origin.tail);
    transcriptRoom(doc).meta.set('state', 'exploded');
    transcriptRoom(doc).meta.set('title', 42);
    assert.deepEqual(readMeta(doc), { sessionId: 's1' });
    assert.throws(() => setMeta(doc, { state: 'bogus' as never }, Origin.tail));
  });

  it('accepts only side-file paths inside the session folder or flat agent files', () => {
    const sid = 'afc4f5a3-4d18-458f-95cc-1e92dbbded5b';
    for (const ok of [`${sid}/subagents/agent-a1.jsonl`, `${sid}/subagents/agent-a1.meta.json`, `${sid}/tool-results/toolu_01.txt`, 'agent-a227a46.jsonl']) {
      assert.ok(isSafeSidePath(ok), ok);
    }
    for (const bad of ['../x', `${sid}/../../etc/passwd`, '/etc/passwd', `${sid}/..`, `${sid}/./x`, 'C:\\x', `${sid}\\..\\x`, 'notes.txt', `not-a-uuid/tool-results/x`, `${sid}/`, '']) {
      assert.ok(!isSafeSidePath(bad), bad);
    }
    const doc = new Y.Doc();
    assert.throws(() => setSideBlob(doc, '../evil', new Uint8Array([1]), Origin.tail), /refusing/);
    assert.throws(() => appendSideLines(doc, '/abs.jsonl', ['x'], Origin.tail), /refusing/);
  });

  it('reads side files back and rejects hostile keys written around the API', () => {
    const sid = '8c880a68-969b-4b92-8733-a4927179d072';
    const doc = new Y.Doc();
    appendSideLines(doc, `${sid}/subagents/agent-a.jsonl`, ['{"x":1}'], Origin.tail);
    setSideBlob(doc, `${sid}/tool-results/t.txt`, new Uint8Array([104, 105]), Origin.tail);
    transcriptRoom(doc).sideBlobs.set('../../escape', new Uint8Array([1]));
    const { files, rejected } = readSideFiles(doc);
    assert.deepEqual(rejected, ['../../escape']);
    assert.deepEqual(
      files.map((f) => f.path),
      [`${sid}/subagents/agent-a.jsonl`, `${sid}/tool-results/t.txt`],
    );
  });

  it('parses queue entries: invalid ones reported, duplicate ids keep the first', () => {
    const doc = new Y.Doc();
    addPrompt(doc, { id: 'p-00000001', text: 'hello', author: 'ann', tokenId: 'ann-token', createdAt: 1, kind: 'resume' }, Origin.composer);
    queueRoom(doc).prompts.push([{ id: 'p-00000001', text: 'dup', author: 'eve', tokenId: 'eve-token', createdAt: 2, kind: 'resume' }]);
    queueRoom(doc).prompts.push([{ id: 'x', text: '', author: '', createdAt: -1, kind: 'rm -rf' }]);
    queueRoom(doc).prompts.push(['just a string']);
    const r = readPrompts(doc);
    assert.deepEqual(r.valid.map((p) => p.text), ['hello']);
    assert.deepEqual(r.invalid.map((i) => i.index), [2, 3]);
    assert.throws(() => addPrompt(doc, { id: 'p-00000002', text: 'x'.repeat(300_000), author: 'a', tokenId: 'a-token-1', createdAt: 1, kind: 'resume' }, Origin.composer));
    addCancel(doc, { promptId: 'p-00000001', author: 'ann', tokenId: 'ann-token', createdAt: 3 }, Origin.composer);
    assert.equal(readCancels(doc).valid[0].promptId, 'p-00000001');
  });

  it('reads runs keyed by prompt id and ignores entries that do not parse', () => {
    const doc = new Y.Doc();
    setRun(doc, { promptId: 'p-00000001', state: 'done', updatedAt: 5, costUsd: 0.01 }, Origin.runner);
    transcriptRoom(doc).runs.set('p-00000002', { promptId: 'p-00000002', state: 'exploded', updatedAt: 1 });
    transcriptRoom(doc).runs.set('p-00000003', { promptId: 'p-99999999', state: 'done', updatedAt: 1 });
    assert.deepEqual([...readRuns(doc).keys()], ['p-00000001']);
  });
});
