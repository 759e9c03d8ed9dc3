import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { joinLines, readLines, readMeta, readSideFiles } from '../../../protocol/src';
import { SessionPublisher } from '../../../extension/src/core/sync/sessionPublisher';
import { listSessions } from '../../../extension/src/core/transcripts/catalog';
import { JsonlTail } from '../../../extension/src/core/transcripts/jsonlTail';
import { CORPUS, corpusSource, walk } from './fixtures';

// Every real transcript in ../shared/corpus/real goes through the engine and comes back byte for byte.

const sources = () => fs.readdirSync(corpusSource('.')).filter((d) => fs.existsSync(path.join(CORPUS, d, 'projects')));

describe('transcripts: the real corpus', () => {
  it('finds the corpus sources', () => {
    assert.ok(sources().length >= 5, `corpus sources: ${sources().join(', ')}`);
  });

  it('tails every JSONL file (main, subagent, flat agent) with no lost line: the lines join back to the file', async () => {
    const files = sources().flatMap((s) => walk(path.join(CORPUS, s, 'projects')).filter((f) => f.endsWith('.jsonl')));
    assert.ok(files.length >= 24, `${files.length} JSONL files`);
    for (const file of files) {
      const diagnostics: string[] = [];
      const u = new JsonlTail(file, { chunkBytes: 64 * 1024, onDiagnostic: (d) => diagnostics.push(d.message) }).read();
      assert.equal(u.kind, 'append', file);
      assert.ok(Buffer.from(joinLines(u.kind === 'append' ? u.lines : [])).equals(fs.readFileSync(file)), `${file} round-trips byte for byte`);
      assert.deepEqual(diagnostics, [], file);
    }
  });

  for (const source of ['bradymholt-dotfiles', '4thehalibit-omarchy-backup', 'Jason-liu-0219-my-claude', 'dphaener-dotfiles', 'dphaener-dotfiles@2e80a61']) {
    it(`publishes every session of ${source} with its side files, byte for byte`, async () => {
      const claudeDir = corpusSource(source);
      const { sessions } = await listSessions({ claudeDir });
      assert.ok(sessions.length > 0);
      for (const s of sessions) {
        const doc = new Y.Doc();
        // idleAfterMs 1: a file not written during the test is idle, whatever its mtime
        const publisher = new SessionPublisher({ claudeDir, projectFolder: s.projectFolder, sessionId: s.sessionId, doc, idleAfterMs: 1 });
        try {
          await publisher.start();
          const projectDir = path.join(claudeDir, 'projects', s.projectFolder);
          const main = path.join(projectDir, `${s.sessionId}.jsonl`);
          if (s.file) assert.ok(Buffer.from(joinLines(readLines(doc))).equals(fs.readFileSync(main)), `${main}: lines join back to the file`);
          else assert.deepEqual(readLines(doc), [], 'an orphan has no main lines');
          const { files, rejected } = readSideFiles(doc);
          assert.deepEqual(rejected, []);
          for (const f of files) {
            const onDisk = fs.readFileSync(path.join(projectDir, f.path));
            const published = f.kind === 'lines' ? Buffer.from(joinLines(f.lines)) : Buffer.from(f.bytes);
            assert.ok(published.equals(onDisk), `${f.path} of ${s.sessionId} is byte-exact`);
          }
          const expected = fs.existsSync(path.join(projectDir, s.sessionId)) ? walk(path.join(projectDir, s.sessionId)).map((f) => path.relative(projectDir, f)) : [];
          assert.deepEqual(files.map((f) => f.path).filter((p) => p.includes('/')).sort(), expected.sort(), `every file under ${s.sessionId}/ is published`);
          const meta = readMeta(doc);
          assert.equal(meta.sessionId, s.sessionId);
          assert.equal(meta.projectFolder, s.projectFolder);
          assert.equal(meta.cwd, s.cwd);
          assert.equal(meta.state, s.file ? 'idle' : 'ended');
          assert.deepEqual(publisher.diagnosticCounts(), {}, `${s.sessionId}: the corpus has no odd line`);
        } finally {
          publisher.dispose();
        }
      }
    });
  }
});
