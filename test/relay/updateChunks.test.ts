import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { Origin, addPrompt, appendLines, readLines, readMeta, readPrompts, replaceLinesFrom, setMeta } from '../../protocol/src';
import { encodeStateVectorMap, encodeUpdateChunks } from '../../protocol/src/connector';

/** A document touched by several clients: lines (one big merged item), meta overwrites, a queue, deletions. */
function messyDoc(): Y.Doc {
  const doc = new Y.Doc();
  appendLines(doc, Array.from({ length: 3000 }, (_, i) => `{"n":${i},"text":"${'é😀'.repeat(i % 50)}"}`), Origin.fixture);
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  for (let i = 0; i < 20; i++) setMeta(other, { title: `t${i}`, updatedAt: i }, Origin.fixture);
  addPrompt(other, { id: 'prompt-0001', text: 'x'.repeat(5000), author: 'a', tokenId: 'a-token-1', createdAt: 1, kind: 'resume' }, Origin.composer);
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
  replaceLinesFrom(doc, 2500, ['replaced'], Origin.fixture);
  return doc;
}

function rebuild(doc: Y.Doc, from: Y.Doc, maxBytes: number) {
  const { chunks, upTo } = encodeUpdateChunks(doc, Y.decodeStateVector(Y.encodeStateVector(from)), maxBytes);
  for (const c of chunks) Y.applyUpdate(from, c);
  Y.applyUpdate(from, Y.encodeStateAsUpdate(doc, encodeStateVectorMap(upTo)));
  return chunks;
}

describe('relay: update chunks', () => {
  it('splits a document into self-contained updates of about the chunk size that rebuild it exactly', () => {
    const doc = messyDoc();
    const copy = new Y.Doc();
    const chunks = rebuild(doc, copy, 16 * 1024);
    assert.ok(chunks.length > 10, `${chunks.length} chunks`);
    assert.ok(Math.max(...chunks.map((c) => c.length)) < 18 * 1024, `chunks of ${Math.max(...chunks.map((c) => c.length))} bytes`);
    for (const read of [readLines, readMeta, readPrompts]) assert.deepEqual(read(copy), read(doc));
    assert.deepEqual(Y.encodeStateVector(copy), Y.encodeStateVector(doc));
  });

  it('sends only what a client lacks, starting inside a merged item', () => {
    const doc = messyDoc();
    const ahead = new Y.Doc();
    const half = encodeUpdateChunks(doc, new Map([[doc.clientID, 1200]]), 1 << 30);
    assert.equal(half.chunks.length, 1);
    assert.ok(half.chunks[0].length < Y.encodeStateAsUpdate(doc).length * 0.75, `a client with 1200 lines is not sent them again (${half.chunks[0].length} of ${Y.encodeStateAsUpdate(doc).length} bytes)`);
    Y.applyUpdate(ahead, Y.encodeStateAsUpdate(doc));
    assert.deepEqual(encodeUpdateChunks(doc, Y.decodeStateVector(Y.encodeStateVector(ahead)), 1024).chunks, [], 'nothing for a client that has everything');
  });

  it('encodes a state vector map exactly as Yjs does', () => {
    const doc = messyDoc();
    assert.deepEqual(encodeStateVectorMap(Y.decodeStateVector(Y.encodeStateVector(doc))), Y.encodeStateVector(doc));
  });
});
