import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { materialiseSession } from '../../../extension/src/core/handoff';
import { SessionPublisher } from '../../../extension/src/core/sync/sessionPublisher';
import { corpusSessions, listTree, sessionDoc, type CorpusSession } from './corpusSessions';
import { Sandbox } from './sandbox';

describe('handoff: materialising every real session', () => {
  let box: Sandbox;
  beforeEach(() => (box = new Sandbox()));
  afterEach(() => box.dispose());

  const sessions = corpusSessions();
  it('finds the corpus sessions, in all three subagent layouts and with tool-results', () => {
    const all = sessions.flatMap((s) => s.files);
    assert.ok(sessions.length >= 19, `only ${sessions.length} sessions`);
    const mains = sessions.filter((s) => s.files.includes(`${s.sessionId}.jsonl`));
    assert.ok(mains.some((s) => fs.readFileSync(path.join(s.folder, `${s.sessionId}.jsonl`), 'utf8').includes('"isSidechain":true')), 'inline subagents');
    assert.ok(all.some((f) => /\/subagents\/agent-.*\.jsonl$/.test(f)), 'nested subagents');
    assert.ok(all.some((f) => /^agent-.*\.jsonl$/.test(f)), 'flat subagents');
    assert.ok(all.some((f) => /\/tool-results\/.*\.jpg$/.test(f)), 'binary tool-results');
  });

  /** Pulls `doc` into the sandbox and checks the session's files came out exactly as in the corpus. */
  async function assertPulledExactly(s: CorpusSession, doc: Y.Doc): Promise<void> {
    const result = await materialiseSession(doc, { claudeDir: box.claudeDir, projectDir: box.projectDir });
    const folder = box.projectFolder;
    assert.equal(result.projectFolder, folder);
    assert.equal(result.outcome, s.files.includes(`${s.sessionId}.jsonl`) ? 'created' : 'no-transcript');
    assert.deepEqual(listTree(box.claudeDir), s.files.map((f) => `projects/${path.basename(folder)}/${f}`).sort(), 'exactly the session files, no temp files');
    for (const rel of s.files) assert.ok(fs.readFileSync(path.join(folder, rel)).equals(fs.readFileSync(path.join(s.folder, rel))), `${rel} differs`);
    assert.deepEqual(result.rejected, []);
  }

  const label = (s: CorpusSession) => `${path.basename(path.dirname(path.dirname(s.folder)))} ${s.sessionId} (${s.files.length} files)`;
  for (const s of sessions) {
    it(`writes ${label(s)} byte for byte`, () => assertPulledExactly(s, sessionDoc(s)));
  }

  // The same through the real publisher reading the corpus folder, so both ends agree on the document.
  // (It publishes sessions that have a main file or a folder; a flat agent alone is no session to it.)
  for (const s of sessions.filter((x) => x.files.some((f) => !f.startsWith('agent-')))) {
    it(`writes ${label(s)} byte for byte as the session publisher shared it`, async () => {
      const doc = new Y.Doc();
      const claudeDir = path.dirname(path.dirname(s.folder));
      const publisher = new SessionPublisher({ claudeDir, projectFolder: path.basename(s.folder), sessionId: s.sessionId, doc });
      try {
        await publisher.start();
      } finally {
        publisher.dispose();
      }
      await assertPulledExactly(s, doc);
    });
  }

  it('pulling the same share again writes nothing and says it is up to date', async () => {
    const s = sessions.find((x) => x.files.some((f) => f.includes('/tool-results/')) && x.files.includes(`${x.sessionId}.jsonl`))!;
    const { projectDir } = box;
    await materialiseSession(sessionDoc(s), { claudeDir: box.claudeDir, projectDir });
    const before = new Map(listTree(box.claudeDir).map((f) => [f, fs.statSync(path.join(box.claudeDir, f)).mtimeMs]));
    const again = await materialiseSession(sessionDoc(s), { claudeDir: box.claudeDir, projectDir });
    assert.equal(again.outcome, 'up-to-date');
    assert.ok(again.files.every((f) => f.relation === 'identical' && !f.written));
    assert.deepEqual(new Map(listTree(box.claudeDir).map((f) => [f, fs.statSync(path.join(box.claudeDir, f)).mtimeMs])), before);
  });
});
