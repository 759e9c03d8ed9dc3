import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { Origin, appendLines, readLines, readMeta, replaceLinesFrom, setMeta, transcriptRoom } from '../../protocol/src';
import { encodeUpdateChunks } from '../../protocol/src/connector/updateChunks';
import { TranscriptLog } from '../../relay/src/transcriptLog';
import { seededRandom } from '../../bench/harness/syntheticTranscript';

// The log-served transcript room against a Y.Doc as the oracle: whatever state vector a client
// brings (a prefix of the log, a point inside an update, a stale cache), what the log answers brings
// it to exactly the oracle's document.

type Stream = { updates: Uint8Array[]; oracle: Y.Doc; prefixes: Uint8Array[] };

/** A host writing a transcript at random, restarting now and then with a new client id (as `tandem share` does after a restart or a handoff). */
function randomStream(seed: number, steps: number): Stream {
  const rnd = seededRandom(seed);
  const updates: Uint8Array[] = [];
  const oracle = new Y.Doc();
  const prefixes: Uint8Array[] = [];
  let host = new Y.Doc();
  const capture = (u: Uint8Array) => {
    updates.push(u);
    Y.applyUpdate(oracle, u);
    prefixes.push(Y.encodeStateAsUpdate(oracle));
  };
  host.on('update', capture);
  for (let i = 0; i < steps; i++) {
    const r = rnd();
    const lines = readLines(host).length;
    if (r < 0.45) appendLines(host, Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, k) => `{"seq":${i},"k":${k},"t":"${'x'.repeat(Math.floor(rnd() * 300))}"}`), Origin.tail);
    else if (r < 0.65) setMeta(host, { title: `title ${i}`, updatedAt: i, state: rnd() < 0.5 ? 'live' : 'idle' }, Origin.tail);
    else if (r < 0.72) setMeta(host, { title: undefined }, Origin.tail);
    else if (r < 0.8 && lines > 2) replaceLinesFrom(host, Math.floor(rnd() * lines), [`{"rewritten":${i}}`], Origin.tail);
    else if (r < 0.88) {
      const side = transcriptRoom(host).sideLines;
      host.transact(() => {
        const key = `agent-${Math.floor(rnd() * 3)}.jsonl`;
        if (!side.has(key)) side.set(key, new Y.Array<string>());
        (side.get(key) as Y.Array<string>).push([`{"side":${i}}`]);
      }, Origin.tail);
    } else if (r < 0.93) {
      host.off('update', capture);
      host = new Y.Doc();
      Y.applyUpdate(host, Y.encodeStateAsUpdate(oracle));
      host.on('update', capture);
    } else transcriptRoom(host).runs.set(`run-${i % 4}`, { state: 'done', i });
  }
  return { updates, oracle, prefixes };
}

function logOf(updates: Uint8Array[], chunkBytes = 1 << 20): TranscriptLog {
  const log = TranscriptLog.load([], chunkBytes, (e) => assert.fail(e));
  for (const u of updates) {
    const verdict = log.admit(u);
    assert.ok('accepted' in verdict, `a host update is accepted (${JSON.stringify(verdict)})`);
    log.hold(verdict.accepted);
    log.apply(verdict.accepted);
  }
  return log;
}

/** What a client at `client` has after the log's answer to its state vector: the chunks, then the final step 2. */
function catchUp(log: TranscriptLog, client: Y.Doc, chunkBytes: number): void {
  const { chunks, upTo } = log.chunks(Y.encodeStateVector(client), chunkBytes);
  for (const c of chunks) Y.applyUpdate(client, c);
  Y.applyUpdate(client, log.after(upTo));
}

function assertSame(actual: Y.Doc, oracle: Y.Doc, what: string): void {
  assert.deepEqual(readLines(actual), readLines(oracle), `${what}: lines`);
  assert.deepEqual(readMeta(actual), readMeta(oracle), `${what}: meta`);
  assert.deepEqual(transcriptRoom(actual).sideLines.toJSON(), transcriptRoom(oracle).sideLines.toJSON(), `${what}: side files`);
  assert.deepEqual(transcriptRoom(actual).runs.toJSON(), transcriptRoom(oracle).runs.toJSON(), `${what}: runs`);
  assert.deepEqual(Y.decodeStateVector(Y.encodeStateVector(actual)), Y.decodeStateVector(Y.encodeStateVector(oracle)), `${what}: state vector`);
}

const docOf = (update: Uint8Array) => {
  const d = new Y.Doc();
  Y.applyUpdate(d, update);
  return d;
};

describe('relay: the transcript room served from its log (Y.Doc as the oracle)', () => {
  for (const seed of [1, 2, 3]) {
    it(`answers every state vector, at and inside update boundaries, with what makes the oracle (seed ${seed})`, () => {
      const { updates, oracle, prefixes } = randomStream(seed, 300);
      assert.ok(new Set(updates.flatMap((u) => [...Y.parseUpdateMeta(u).to.keys()])).size > 1, 'the stream has several client ids');
      const log = logOf(updates);
      assertSame(docOf(log.state()), oracle, 'the snapshot');
      assertSame(docOf(log.compact()), oracle, 'the compacted form');
      const rnd = seededRandom(seed + 100);
      for (let k = 0; k < 40; k++) {
        const at = Math.floor(rnd() * prefixes.length);
        const client = docOf(prefixes[at]);
        catchUp(log, client, 1 << 20);
        assertSame(client, oracle, `a client at update ${at}`);
        // inside an update: the first chunks of a later prefix, cut mid-item
        const later = docOf(prefixes[Math.min(prefixes.length - 1, at + 1 + Math.floor(rnd() * 5))]);
        const partial = encodeUpdateChunks(later, new Map(), 200).chunks;
        const inside = new Y.Doc();
        for (const c of partial.slice(0, Math.floor(rnd() * partial.length))) Y.applyUpdate(inside, c);
        catchUp(log, inside, 1 << 20);
        assertSame(inside, oracle, `a client inside an update after ${at}`);
        const small = docOf(prefixes[at]);
        catchUp(log, small, 2048);
        assertSame(small, oracle, `a client at update ${at}, answered in small chunks`);
      }
      const fresh = new Y.Doc();
      catchUp(log, fresh, 4096);
      assertSame(fresh, oracle, 'a new client');
      assertSame(log.view(), oracle, "the rules' view");
    });
  }

  it('finds resent updates redundant, and keeps answering after a compaction and a reload', () => {
    const { updates, oracle } = randomStream(7, 200);
    const log = logOf(updates);
    for (const u of updates) {
      assert.equal(log.isRedundant(u), true);
      assert.ok('redundant' in log.admit(u), 'a resent update adds nothing');
    }
    log.compact();
    const stale = docOf(updates[0]);
    catchUp(log, stale, 1024);
    assertSame(stale, oracle, 'a stale client after a compaction');
    const reloaded = TranscriptLog.load([log.state()], 1024, (e) => assert.fail(e));
    const again = new Y.Doc();
    catchUp(reloaded, again, 1024);
    assertSame(again, oracle, 'a new client of the reloaded log');
  });

  it('trims an update that overlaps what the room has to what it lacks', () => {
    const host = new Y.Doc();
    appendLines(host, ['{"a":1}'], Origin.tail);
    const first = Y.encodeStateAsUpdate(host);
    appendLines(host, ['{"a":2}'], Origin.tail);
    const log = logOf([first]);
    const verdict = log.admit(Y.encodeStateAsUpdate(host));
    assert.ok('accepted' in verdict);
    assert.deepEqual(Y.parseUpdateMeta(verdict.accepted.update).from, new Map([[host.clientID, 1]]));
  });

  describe('an attacker holding the host link', () => {
    const room = () => {
      const host = new Y.Doc();
      appendLines(host, ['{"type":"user"}'], Origin.tail);
      return { host, log: logOf([Y.encodeStateAsUpdate(host)]) };
    };

    it('cannot store bytes that are not a Yjs update', () => {
      const { log } = room();
      for (const junk of [new Uint8Array([1, 1, 200, 200, 200, 7]), new Uint8Array([5]), new Uint8Array([1, 1, 9, 0, 40, 1, 2])]) {
        assert.ok('malformed' in log.admit(junk), `refused ${Buffer.from(junk).toString('hex')}`);
      }
    });

    it('cannot store a write with a gap in its clocks, nor one that refers to content the room does not have', () => {
      const { host, log } = room();
      const sv = Y.encodeStateVector(host);
      appendLines(host, ['{"type":"skipped"}'], Origin.tail);
      const sv2 = Y.encodeStateVector(host);
      appendLines(host, ['{"type":"after the gap"}'], Origin.tail);
      assert.ok('behind' in log.admit(Y.encodeStateAsUpdate(host, sv2)), 'a gap');
      // another client id inserting after an item the room never saw
      const forger = new Y.Doc();
      Y.applyUpdate(forger, Y.encodeStateAsUpdate(host));
      const before = Y.encodeStateVector(forger);
      appendLines(forger, ['{"type":"forged"}'], Origin.tail);
      assert.ok('behind' in log.admit(Y.encodeStateAsUpdate(forger, before)), 'an origin the room lacks');
      assert.ok('accepted' in log.admit(Y.encodeStateAsUpdate(host, sv)), 'the honest continuation is accepted');
    });
  });
});
