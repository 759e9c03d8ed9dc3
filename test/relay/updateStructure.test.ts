import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { decodedStructure, updateStructure } from '../../relay/src/updateStructure';
import { seededRandom } from '../../bench/harness/syntheticTranscript';
import { corpusSessions, sessionDoc } from '../unit/handoff/corpusSessions';

// The relay judges transcript writes by their structure, read without decoding their content. The
// oracle is Y.decodeUpdate (what a client's Yjs reads): the same ranges, deletions and references for
// every update, and the same verdict (decodes or throws) for every corrupted one.

/** Each update a doc emits while `edit` runs. */
function updatesOf(edit: (doc: Y.Doc) => void, doc = new Y.Doc()): Uint8Array[] {
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  edit(doc);
  return out;
}

/** Every kind of content and value Yjs writes, in updates of one struct and of many. */
function everyKind(): Uint8Array[] {
  const doc = new Y.Doc();
  const updates = updatesOf((d) => {
    const arr = d.getArray<unknown>('a');
    arr.push(['ascii', 'émoji 🎉 mixed', '\u202Ebidi', '\uFEFFbom', '']);
    arr.push([1, -1, 63, 64, -64, 2 ** 31, -(2 ** 40), 2 ** 53 - 1, 1.5, -0.25, 3.4e38, 1e-300]);
    arr.push([true, false, null, { u: undefined, k: 'v', nested: { deep: [1, 'two', { three: null }] } }, [[], {}], new Uint8Array([0, 1, 255])]);
    arr.push([]);
    arr.insert(1, ['in the middle']);
    arr.delete(2, 3);
    const map = d.getMap<unknown>('m');
    map.set('x', 'y');
    map.set('x', 'overwritten');
    map.set('sub', new Y.Array());
    (map.get('sub') as Y.Array<string>).push(['child of an item']);
    map.set('bin', new Uint8Array(300).fill(7));
    const text = d.getText('t');
    text.insert(0, 'hello 👋 world');
    text.format(0, 5, { bold: true });
    text.insertEmbed(3, { image: 'x.png' });
    text.delete(1, 2);
    const xml = d.getXmlFragment('x');
    const el = new Y.XmlElement('p');
    el.setAttribute('class', 'c');
    xml.insert(0, [el, new Y.XmlText('xml text')]);
    el.insert(0, [new Y.XmlHook('hook') as unknown as Y.XmlElement]);
    d.getMap('docs').set('sub', new Y.Doc());
  }, doc);
  return [...updates, Y.encodeStateAsUpdate(doc), Y.encodeStateAsUpdate(doc, Y.encodeStateVector(updatesDoc(updates.slice(0, 3))))];
}

function updatesDoc(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc;
}

/** What the oracle says of `update`: its structure, or that it throws. */
function oracle(update: Uint8Array): unknown {
  try {
    return decodedStructure(update);
  } catch {
    return 'throws';
  }
}

function scanned(update: Uint8Array): unknown {
  try {
    return updateStructure(update);
  } catch {
    return 'throws';
  }
}

describe('update structure (the relay judges writes without decoding their content)', () => {
  it('reads every content kind and value type exactly as Y.decodeUpdate does', () => {
    const updates = everyKind();
    assert.ok(updates.length > 15, `${updates.length} updates`);
    for (const u of updates) assert.deepEqual(updateStructure(u), decodedStructure(u));
    // a string's length is counted in UTF-16 code units, as Yjs counts an item's length
    const [first] = updatesOf((d) => d.getText('t').insert(0, 'a🎉é'));
    assert.deepEqual(updateStructure(first).ranges[0], { client: updateStructure(first).ranges[0].client, from: 0, to: 4 });
  });

  it('reads an update cut from a larger one (with Skips) as a gap, like Y.decodeUpdate', () => {
    const doc = new Y.Doc();
    const updates = updatesOf((d) => {
      for (let i = 0; i < 5; i++) d.getArray<string>('a').push([`line ${i}`]);
    }, doc);
    const merged = Y.mergeUpdates([updates[0], updates[2], updates[4]]); // holes between them: Skips
    assert.equal(updateStructure(merged).gap, true);
    assert.deepEqual(updateStructure(merged), decodedStructure(merged));
  });

  it('reads every real corpus session as Y.decodeUpdate does', function () {
    this.timeout(120_000);
    const sessions = corpusSessions();
    assert.ok(sessions.length > 10, 'the corpus is beside the checkout');
    let checked = 0;
    for (const s of sessions) {
      const doc = sessionDoc(s);
      const whole = Y.encodeStateAsUpdate(doc);
      assert.deepEqual(updateStructure(whole), decodedStructure(whole), s.sessionId);
      // and line by line, as a host appends them
      const lines = doc.getArray<string>('lines').toArray().slice(0, 200);
      for (const u of updatesOf((d) => lines.forEach((l) => d.getArray<string>('lines').push([l])))) {
        assert.deepEqual(updateStructure(u), decodedStructure(u));
        checked++;
      }
    }
    assert.ok(checked > 1000, `${checked} line updates checked`);
  });

  it('refuses every truncation and agrees with Y.decodeUpdate on every corrupted byte', () => {
    const rnd = seededRandom(5);
    let refused = 0;
    const disagreements: string[] = [];
    for (const u of everyKind().filter((x) => x.length < 3000)) {
      for (let n = 0; n < u.length; n++) {
        const cut = u.slice(0, n);
        assert.equal(scanned(cut), 'throws', `a cut at ${n} of ${u.length}`);
        assert.equal(oracle(cut), 'throws');
        refused++;
      }
      for (let k = 0; k < 400; k++) {
        const bad = u.slice();
        const at = Math.floor(rnd() * bad.length);
        bad[at] = k % 3 === 0 ? 0xff : Math.floor(rnd() * 256);
        const a = JSON.stringify(scanned(bad));
        const b = JSON.stringify(oracle(bad));
        if (a !== b) disagreements.push(`byte ${at} of ${u.length}: ${a.slice(0, 80)} vs ${b.slice(0, 80)}`);
      }
    }
    assert.ok(refused > 100);
    assert.deepEqual(disagreements.slice(0, 5), [], `${disagreements.length} disagreements`);
  });
});
