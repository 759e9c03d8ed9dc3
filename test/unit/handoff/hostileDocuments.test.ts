import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { Origin, appendLines, setMeta, setSideBlob, transcriptRoom } from '../../../protocol/src';
import { HandoffError, materialiseSession } from '../../../extension/src/core/handoff';
import { confinedPath } from '../../../extension/src/core/handoff/confinedPath';
import { listTree } from './corpusSessions';
import { Sandbox } from './sandbox';

// Documents a hostile host (or a tampered relay) could send. Nothing may land outside the session's
// project folder, and the sandbox around the Claude folder must be exactly as before.
const SID = '0b5e2f4c-1d2e-4f3a-9b8c-7d6e5f4a3b2c';
const OTHER = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
const LINE = `{"type":"user","sessionId":"${SID}","message":{"role":"user","content":"hi"}}`;

function docWith(sessionId: unknown, hostile: (room: ReturnType<typeof transcriptRoom>) => void = () => {}): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => transcriptRoom(doc).meta.set('sessionId', sessionId), Origin.fixture);
  appendLines(doc, [LINE], Origin.fixture);
  // written straight into the Y.Maps, around the protocol functions that would refuse them
  doc.transact(() => hostile(transcriptRoom(doc)), Origin.fixture);
  return doc;
}

const lines = (...ls: string[]) => Y.Array.from(ls);

describe('handoff: hostile documents write nothing outside the target', () => {
  let box: Sandbox;
  let folder: string;
  beforeEach(() => {
    box = new Sandbox();
    folder = path.relative(box.root, box.projectFolder);
  });
  afterEach(() => box.dispose());
  const pull = (doc: Y.Doc) => materialiseSession(doc, { claudeDir: box.claudeDir, projectDir: box.projectDir });

  it('skips side files with ../, absolute, backslash, other-session and double-stored keys', async () => {
    const keys = ['../evil.jsonl', `${SID}/../../../../evil.txt`, '/tmp/evil.txt', `${SID}\\..\\..\\evil.txt`, `${OTHER}/tool-results/x.txt`, `${SID}/tool-results/twice.txt`, 'agent-../x.jsonl', `${SID}/subagents/..`];
    const doc = docWith(SID, (room) => {
      for (const k of keys) room.sideLines.set(k, lines('{"evil":true}'));
      room.sideBlobs.set('../../evil.bin', new Uint8Array([1]));
      room.sideBlobs.set(`${SID}/tool-results/twice.txt`, new Uint8Array([2]));
      room.sideBlobs.set(`${SID}/tool-results/ok.txt`, new Uint8Array([3]));
    });
    const r = await pull(doc);
    assert.equal(r.outcome, 'created');
    assert.deepEqual(r.rejected.map((x) => x.path).sort(), [...keys, '../../evil.bin', `${SID}/tool-results/twice.txt`].sort());
    assert.deepEqual(listTree(box.root), ['checkouts/proj/', `${folder}/${SID}.jsonl`, `${folder}/${SID}/tool-results/ok.txt`].sort());
  });

  for (const bad of ['../../../tmp/evil', '/etc/passwd', 'not-a-uuid', '', `${SID}/x`, `${SID}.jsonl`, 42]) {
    it(`refuses a session id ${JSON.stringify(bad)} before touching the disk`, async () => {
      await assert.rejects(pull(docWith(bad)), (e: Error) => e instanceof HandoffError && /is not a UUID/.test(e.message));
      assert.deepEqual(listTree(box.root), ['checkouts/proj/']);
    });
  }

  it('refuses a symlink planted as the session folder, pointing outside', async () => {
    const outside = path.join(box.root, 'outside');
    fs.mkdirSync(outside);
    fs.mkdirSync(path.join(box.root, folder), { recursive: true });
    fs.symlinkSync(outside, path.join(box.root, folder, SID));
    const doc = docWith(SID, (room) => room.sideBlobs.set(`${SID}/tool-results/x.txt`, new Uint8Array([1])));
    await assert.rejects(pull(doc), (e: Error) => e instanceof HandoffError && /symbolic link/.test(e.message));
    assert.deepEqual(fs.readdirSync(outside), []);
    assert.ok(!fs.existsSync(path.join(box.root, folder, `${SID}.jsonl`)), 'the main file is not written when a side file is refused');
  });

  it('refuses a symlink planted as the session file, and leaves its target alone', async () => {
    const outside = path.join(box.root, 'outside.jsonl');
    fs.writeFileSync(outside, 'precious\n');
    fs.mkdirSync(path.join(box.root, folder), { recursive: true });
    fs.symlinkSync(outside, path.join(box.root, folder, `${SID}.jsonl`));
    await assert.rejects(pull(docWith(SID)), /symbolic link/);
    assert.equal(fs.readFileSync(outside, 'utf8'), 'precious\n');
  });

  it('refuses a symlinked projects folder', async () => {
    const outside = path.join(box.root, 'outside');
    fs.mkdirSync(outside);
    fs.mkdirSync(box.claudeDir);
    fs.symlinkSync(outside, path.join(box.claudeDir, 'projects'));
    await assert.rejects(pull(docWith(SID)), /symbolic link/);
    assert.deepEqual(fs.readdirSync(outside), []);
  });

  it('confines paths even when a caller skips the protocol check', () => {
    const root = path.join(box.root, 'f');
    assert.throws(() => confinedPath(root, '../x'), /outside/);
    assert.throws(() => confinedPath(root, 'a/../../x'), /outside/);
    assert.throws(() => confinedPath(root, '.'), /outside/);
    assert.equal(confinedPath(root, 'a/b'), path.join(root, 'a', 'b'));
  });

  it('writes nothing but the session files for a well-formed document', async () => {
    const doc = new Y.Doc();
    setMeta(doc, { sessionId: SID, cwd: '/somewhere/else' }, Origin.fixture);
    appendLines(doc, [LINE], Origin.fixture);
    setSideBlob(doc, `${SID}/tool-results/a.txt`, new Uint8Array([65]), Origin.fixture);
    await pull(doc);
    assert.deepEqual(listTree(box.root), ['checkouts/proj/', `${folder}/${SID}.jsonl`, `${folder}/${SID}/tool-results/a.txt`].sort());
    assert.equal(fs.statSync(path.join(box.root, folder, `${SID}.jsonl`)).mode & 0o777, 0o600, 'transcripts are private');
  });
});
