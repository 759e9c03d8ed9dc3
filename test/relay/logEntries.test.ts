import assert from 'node:assert/strict';
import { LogEntries } from '../../relay/src/logEntries';
import type { StructRange } from '../../relay/src/updateStructure';
import { seededRandom } from '../../bench/harness/syntheticTranscript';

// The transcript log's entries live in slabs and typed arrays; against plain arrays as the oracle:
// every update comes back byte for byte (across slab boundaries, through growth, with updates larger
// than a slab), and each entry's ranges answer "does this state vector have part of it" the same.

const bytesOf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
const same = (a: Uint8Array, b: Uint8Array) => bytesOf(a).equals(bytesOf(b));

describe('log entries (the transcript log outside the object heap)', () => {
  it('returns every update and answers range questions as plain arrays do', () => {
    const rnd = seededRandom(3);
    const entries = new LogEntries();
    const oracle: { update: Uint8Array; ranges: StructRange[] }[] = [];
    for (let i = 0; i < 3000; i++) {
      const size = i === 1500 ? 3 * 1024 * 1024 : Math.floor(rnd() * (rnd() < 0.05 ? 200_000 : 3000));
      const update = new Uint8Array(size).map(() => Math.floor(rnd() * 256));
      const ranges = Array.from({ length: 1 + Math.floor(rnd() * (rnd() < 0.1 ? 5 : 1)) }, (_, k) => {
        const from = Math.floor(rnd() * 2 ** 40);
        return { client: (k * 7919 + Math.floor(rnd() * 4)) >>> 0, from, to: from + 1 + Math.floor(rnd() * 9) };
      });
      entries.push(update, ranges);
      oracle.push({ update: update.slice(), ranges });
      update.fill(0); // the log keeps its own copy: the socket's buffer is reused
    }
    assert.equal(entries.length, oracle.length);
    assert.equal(entries.bytes, oracle.reduce((n, e) => n + e.update.length, 0));
    for (let i = 0; i < oracle.length; i++) {
      assert.ok(same(entries.update(i), oracle[i].update), `entry ${i}`);
      assert.equal(entries.byteLength(i), oracle[i].update.length);
      const have = new Map(oracle[i].ranges.map((r) => [r.client, rnd() < 0.5 ? r.from : r.from + 1] as [number, number]));
      assert.equal(entries.startsAtOrAfter(i, have), oracle[i].ranges.every((r) => r.from >= (have.get(r.client) ?? 0)), `ranges of entry ${i}`);
    }
    const tail = entries.updates(2990);
    assert.equal(tail.length, 10);
    tail.forEach((u, k) => assert.ok(same(u, oracle[2990 + k].update)));
    entries.clear();
    assert.equal(entries.length, 0);
    entries.push(new Uint8Array([1, 2, 3]), [{ client: 1, from: 0, to: 1 }]);
    assert.ok(same(entries.update(0), new Uint8Array([1, 2, 3])));
  });
});
