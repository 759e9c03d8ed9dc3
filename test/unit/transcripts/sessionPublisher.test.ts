import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { Origin, joinLines, readLines, readMeta, readSideFiles, transcriptRoom } from '../../../protocol/src';
import { PublisherCheckpoint, SessionPublisher, type SessionPublisherOptions } from '../../../extension/src/core/sync/sessionPublisher';
import type { Diagnostic } from '../../../extension/src/core/transcripts/diagnostics';
import { waitFor } from '../../helpers/waitFor';
import { SID, ScratchClaude, assistantLine, corpusSource, userLine } from './fixtures';

const AFC = 'projects/-Users-darinhaener-dotfiles/afc4f5a3-4d18-458f-95cc-1e92dbbded5b.jsonl';
const FOLDER = '-home-me-proj';

describe('sync: session publisher', () => {
  let scratch: ScratchClaude;
  const publishers: SessionPublisher[] = [];

  beforeEach(() => {
    scratch = new ScratchClaude();
  });
  afterEach(() => {
    for (const p of publishers.splice(0)) p.dispose();
    scratch.dispose();
  });

  async function publish(sessionId: string, extra: Partial<SessionPublisherOptions> = {}): Promise<{ doc: Y.Doc; publisher: SessionPublisher; diagnostics: Diagnostic[] }> {
    const doc = extra.doc ?? new Y.Doc();
    const publisher = new SessionPublisher({ claudeDir: scratch.dir, projectFolder: FOLDER, sessionId, doc, ...extra });
    publishers.push(publisher);
    const diagnostics: Diagnostic[] = [];
    publisher.onDiagnostic((d) => diagnostics.push(d));
    await publisher.start();
    return { doc, publisher, diagnostics };
  }

  const docText = (doc: Y.Doc) => joinLines(readLines(doc));
  const untilDocIs = (doc: Y.Doc, file: string, what: string) =>
    waitFor(() => docText(doc) === fs.readFileSync(file, 'utf8'), { timeoutMs: 5000, what });

  it('publishes meta and follows appends live, each tick in one transaction named Origin.tail', async () => {
    const file = scratch.session(SID.a, [userLine(SID.a, 'fix the flaky test'), assistantLine(SID.a, 'on it')]);
    const { doc } = await publish(SID.a, { hostLabel: 'laptop' });
    assert.equal(docText(doc), fs.readFileSync(file, 'utf8'));
    const meta = readMeta(doc);
    assert.deepEqual(
      { sessionId: meta.sessionId, projectFolder: meta.projectFolder, cwd: meta.cwd, title: meta.title, hostLabel: meta.hostLabel, gitBranch: meta.gitBranch, version: meta.version, state: meta.state },
      { sessionId: SID.a, projectFolder: FOLDER, cwd: '/home/me/proj', title: 'fix the flaky test', hostLabel: 'laptop', gitBranch: 'main', version: '2.1.97', state: 'live' },
    );
    assert.ok(meta.startedAt && meta.updatedAt);
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    fs.appendFileSync(file, `${assistantLine(SID.a, 'done')}\n${assistantLine(SID.a, 'and more')}\n`);
    await untilDocIs(doc, file, 'two appended lines');
    assert.ok(origins.length >= 1 && origins.every((o) => o === Origin.tail), 'every write is Origin.tail');
  });

  it('follows real append growth (dphaener afc4f5a3) written in odd-sized chunks, without explicit reads', async () => {
    const older = fs.readFileSync(path.join(corpusSource('dphaener-dotfiles@2e80a61'), AFC));
    const newer = fs.readFileSync(path.join(corpusSource('dphaener-dotfiles'), AFC));
    const folder = '-Users-darinhaener-dotfiles';
    const file = path.join(scratch.project(folder), 'afc4f5a3-4d18-458f-95cc-1e92dbbded5b.jsonl');
    fs.writeFileSync(file, older);
    const doc = new Y.Doc();
    const publisher = new SessionPublisher({ claudeDir: scratch.dir, projectFolder: folder, sessionId: 'afc4f5a3-4d18-458f-95cc-1e92dbbded5b', doc });
    publishers.push(publisher);
    await publisher.start();
    assert.equal(readLines(doc).length, 65);
    const sizes = [1, 17, 333, 4099, 2, 8191];
    for (let pos = older.length, i = 0; pos < newer.length; i++) {
      const end = Math.min(newer.length, pos + sizes[i % sizes.length]);
      fs.appendFileSync(file, newer.subarray(pos, end));
      pos = end;
    }
    await waitFor(() => Buffer.from(docText(doc)).equals(newer), { what: 'the newer snapshot in the doc' });
    assert.equal(readLines(doc).length, 76);
  });

  it('publishes a partial line only once it is complete', async () => {
    const file = scratch.session(SID.a, [userLine(SID.a, 'hello')]);
    const { doc } = await publish(SID.a);
    const line = assistantLine(SID.a, 'half written');
    fs.appendFileSync(file, line.slice(0, 20));
    fs.appendFileSync(file, `${line.slice(20)}\n`);
    await waitFor(() => readLines(doc).length === 2, { what: 'the completed line' });
    assert.equal(readLines(doc)[1], line);
  });

  it('keeps two sessions growing at once apart', async () => {
    const fa = scratch.session(SID.a, [userLine(SID.a, 'first session')]);
    const fb = scratch.session(SID.b, [userLine(SID.b, 'second session')]);
    const a = await publish(SID.a);
    const b = await publish(SID.b);
    for (let i = 0; i < 50; i++) {
      fs.appendFileSync(fa, `${assistantLine(SID.a, `a${i}`)}\n`);
      fs.appendFileSync(fb, `${assistantLine(SID.b, `b${i}`)}\n`);
    }
    await untilDocIs(a.doc, fa, 'session a');
    await untilDocIs(b.doc, fb, 'session b');
    assert.equal(readLines(a.doc).length, 51);
    assert.ok(readLines(b.doc).every((l) => !l.includes(SID.a)));
  });

  it('replaces the differing tail when the file is rewritten, bumping the epoch once', async () => {
    const lines = [userLine(SID.a, 'one'), assistantLine(SID.a, 'two'), assistantLine(SID.a, 'three')];
    const file = scratch.session(SID.a, lines);
    const { doc, diagnostics } = await publish(SID.a);
    assert.equal(readMeta(doc).epoch, undefined);
    const deltas: unknown[] = [];
    transcriptRoom(doc).lines.observe((e) => deltas.push(...e.changes.delta));
    const rewritten = [lines[0], assistantLine(SID.a, 'TWO (pruned)')];
    fs.writeFileSync(file, rewritten.join('\n') + '\n');
    await untilDocIs(doc, file, 'the rewritten file');
    assert.equal(readMeta(doc).epoch, 1);
    assert.deepEqual(deltas[0], { retain: 1 }, 'the unchanged first line is kept, not re-sent');
    assert.ok(diagnostics.some((d) => d.kind === 'rewritten'));
    fs.appendFileSync(file, `${assistantLine(SID.a, 'four')}\n`);
    await untilDocIs(doc, file, 'appends after the rewrite');
    assert.equal(readMeta(doc).epoch, 1, 'plain appends do not bump the epoch');
  });

  it('does not bump the epoch when a replaced file only grew', async () => {
    const lines = [userLine(SID.a, 'one')];
    const file = scratch.session(SID.a, lines);
    const { doc } = await publish(SID.a);
    fs.writeFileSync(`${file}.tmp`, [...lines, assistantLine(SID.a, 'two')].join('\n') + '\n');
    fs.renameSync(`${file}.tmp`, file);
    await untilDocIs(doc, file, 'the grown replacement');
    assert.equal(readMeta(doc).epoch, undefined);
  });

  it('marks the session ended when its file is deleted, keeping the lines', async () => {
    const file = scratch.session(SID.a, [userLine(SID.a, 'soon gone')]);
    const { doc } = await publish(SID.a);
    fs.rmSync(file);
    await waitFor(() => readMeta(doc).state === 'ended', { what: 'state ended' });
    assert.equal(readLines(doc).length, 1);
  });

  it('goes idle after the idle window and live again on the next write', async () => {
    const file = scratch.session(SID.a, [userLine(SID.a, 'hi')]);
    const { doc } = await publish(SID.a, { idleAfterMs: 50 });
    await waitFor(() => readMeta(doc).state === 'idle', { what: 'state idle' });
    fs.appendFileSync(file, `${assistantLine(SID.a, 'back')}\n`);
    await waitFor(() => readMeta(doc).state === 'live', { what: 'state live again' });
  });

  it('restarts from a checkpoint without losing or repeating a line', async () => {
    const file = scratch.session(SID.a, [userLine(SID.a, 'one'), assistantLine(SID.a, 'two')]);
    const first = await publish(SID.a);
    const saved = PublisherCheckpoint.parse(JSON.parse(JSON.stringify(first.publisher.checkpoint())));
    first.publisher.dispose();
    fs.appendFileSync(file, `${assistantLine(SID.a, 'three')}\n`);
    let inserted = 0;
    transcriptRoom(first.doc).lines.observe((e) => {
      inserted += e.changes.delta.reduce((n, d) => n + (Array.isArray(d.insert) ? d.insert.length : 0), 0);
    });
    await publish(SID.a, { doc: first.doc, checkpoint: saved });
    assert.equal(docText(first.doc), fs.readFileSync(file, 'utf8'));
    assert.equal(inserted, 1, 'only the new line was written');
  });

  it('ignores a checkpoint that does not match the document, and reconciles instead', async () => {
    const file = scratch.session(SID.a, [userLine(SID.a, 'one'), assistantLine(SID.a, 'two')]);
    const first = await publish(SID.a);
    const saved = first.publisher.checkpoint();
    first.publisher.dispose();
    const { doc } = await publish(SID.a, { doc: new Y.Doc(), checkpoint: saved });
    assert.equal(docText(doc), fs.readFileSync(file, 'utf8'), 'a fresh document gets every line');
  });

  it('sends a large catch-up as several updates, each small enough for one relay frame', async () => {
    const file = scratch.session(SID.a, [userLine(SID.a, 'start')]);
    const first = await publish(SID.a);
    first.publisher.dispose();
    fs.appendFileSync(file, Array.from({ length: 30 }, (_, i) => JSON.stringify({ type: 'user', i, pad: 'p'.repeat(1024 * 1024) })).join('\n') + '\n');
    const updates: number[] = [];
    first.doc.on('update', (u: Uint8Array) => updates.push(u.length));
    await publish(SID.a, { doc: first.doc });
    assert.equal(docText(first.doc), fs.readFileSync(file, 'utf8'));
    assert.ok(updates.length >= 3, `${updates.length} updates`);
    assert.ok(Math.max(...updates) < 9 * 1024 * 1024, `largest update ${Math.max(...updates)} bytes`);
  });

  it('publishes side files: subagents as lines, tool-results and .meta.json as bytes, flat agents of this session', async () => {
    const file = scratch.session(SID.a, [userLine(SID.a, 'spawn agents')]);
    const dir = scratch.project(FOLDER);
    const { doc } = await publish(SID.a);
    fs.mkdirSync(path.join(dir, SID.a, 'subagents'), { recursive: true });
    fs.writeFileSync(path.join(dir, SID.a, 'subagents', 'agent-a1.jsonl'), `${userLine(SID.a, 'sub', { isSidechain: true })}\n`);
    fs.writeFileSync(path.join(dir, SID.a, 'subagents', 'agent-a1.meta.json'), '{"agentType":"Explore","description":"look"}');
    fs.mkdirSync(path.join(dir, SID.a, 'tool-results'));
    fs.writeFileSync(path.join(dir, SID.a, 'tool-results', 'toolu_1.txt'), Buffer.from([0, 1, 2, 255]));
    fs.writeFileSync(path.join(dir, 'agent-aflat01.jsonl'), `${userLine(SID.a, 'Warmup', { isSidechain: true })}\n`);
    fs.writeFileSync(path.join(dir, 'agent-aother1.jsonl'), `${userLine(SID.b, 'Warmup', { isSidechain: true })}\n`);
    const paths = () => readSideFiles(doc).files.map((f) => f.path).sort();
    const expected = ['agent-aflat01.jsonl', `${SID.a}/subagents/agent-a1.jsonl`, `${SID.a}/subagents/agent-a1.meta.json`, `${SID.a}/tool-results/toolu_1.txt`].sort();
    await waitFor(() => JSON.stringify(paths()) === JSON.stringify(expected), { what: `side files ${expected.join(', ')}` });
    fs.appendFileSync(path.join(dir, SID.a, 'subagents', 'agent-a1.jsonl'), `${assistantLine(SID.a, 'sub reply')}\n`);
    await waitFor(() => readSideFiles(doc).files.some((f) => f.kind === 'lines' && f.path.endsWith('agent-a1.jsonl') && f.lines.length === 2), { what: 'the subagent reply' });
    const blob = readSideFiles(doc).files.find((f) => f.path.endsWith('toolu_1.txt'));
    assert.deepEqual(blob?.kind === 'blob' && [...blob.bytes], [0, 1, 2, 255]);
    assert.equal(readLines(doc).length, 1);
    assert.ok(fs.existsSync(file));
  });

  it('lists side files that existed before it started, and skips symlinks', async () => {
    scratch.session(SID.a, [userLine(SID.a, 'hi')]);
    const dir = scratch.project(FOLDER);
    fs.mkdirSync(path.join(dir, SID.a, 'tool-results'), { recursive: true });
    fs.writeFileSync(path.join(dir, SID.a, 'tool-results', 'b1234567.txt'), 'output');
    fs.writeFileSync(path.join(scratch.root, 'secret.txt'), 'do not publish');
    fs.symlinkSync(path.join(scratch.root, 'secret.txt'), path.join(dir, SID.a, 'tool-results', 'link.txt'));
    const { doc } = await publish(SID.a);
    assert.deepEqual(
      readSideFiles(doc).files.map((f) => f.path),
      [`${SID.a}/tool-results/b1234567.txt`],
    );
  });

  it('carries malformed, non-UTF-8 and unknown-type lines verbatim and counts the odd ones', async () => {
    const dir = scratch.project(FOLDER);
    const file = path.join(dir, `${SID.a}.jsonl`);
    const unknown = JSON.stringify({ type: 'marble-origami-commit', sessionId: SID.a, payload: { x: 1 } });
    fs.writeFileSync(file, Buffer.concat([Buffer.from(`${userLine(SID.a, 'hi')}\n{"type":"user", broken\n${unknown}\nnot json at all\n{"bad":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]));
    const { doc, publisher, diagnostics } = await publish(SID.a);
    assert.equal(readLines(doc).length, 5);
    assert.equal(readLines(doc)[2], unknown);
    assert.deepEqual(publisher.diagnosticCounts(), { 'not-json': 2, 'invalid-utf8': 1 });
    assert.deepEqual(
      diagnostics.filter((d) => d.kind === 'not-json').map((d) => d.line),
      [1, 3],
    );
  });

  it('reports a live line that looks like JSON but is not (a torn write), and takes titles appended later', async () => {
    const file = scratch.session(SID.a, [userLine(SID.a, 'first prompt')]);
    const { doc, diagnostics } = await publish(SID.a);
    fs.appendFileSync(file, '{"type":"assistant","message":{"content":[{"type":"te{"type":"user"}\n');
    fs.appendFileSync(file, `${JSON.stringify({ type: 'ai-title', aiTitle: 'Fixing the flaky test', sessionId: SID.a })}\n`);
    await waitFor(() => readMeta(doc).title === 'Fixing the flaky test', { what: 'the AI title' });
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.line]),
      [['not-json', 1]],
    );
  });

  it('reports a main transcript it cannot read as state error, without crashing', async () => {
    fs.mkdirSync(path.join(scratch.project(FOLDER), `${SID.a}.jsonl`));
    const { doc, diagnostics } = await publish(SID.a);
    assert.equal(readMeta(doc).state, 'error');
    assert.match(readMeta(doc).error ?? '', /not a regular file/);
    assert.ok(diagnostics.some((d) => d.kind === 'unreadable'));
  });

  it('refuses to start on a session that does not exist, saying where it looked', async () => {
    scratch.project(FOLDER);
    const publisher = new SessionPublisher({ claudeDir: scratch.dir, projectFolder: FOLDER, sessionId: SID.c, doc: new Y.Doc() });
    publishers.push(publisher);
    await assert.rejects(publisher.start(), new RegExp(`No Claude Code session ${SID.c} in .*${FOLDER}`));
  });

  it('publishes an orphan subagents folder as an ended session with its side lines and cwd', async () => {
    const dir = scratch.project(FOLDER);
    fs.mkdirSync(path.join(dir, SID.a, 'subagents'), { recursive: true });
    fs.writeFileSync(path.join(dir, SID.a, 'subagents', 'agent-ab.jsonl'), `${userLine(SID.a, 'sub', { isSidechain: true, cwd: '/srv/app' })}\n`);
    const { doc } = await publish(SID.a);
    assert.equal(readMeta(doc).state, 'ended');
    assert.equal(readMeta(doc).cwd, '/srv/app');
    assert.equal(readSideFiles(doc).files.length, 1);
  });

  it('writes what it read before dispose, then stops following', async () => {
    const file = scratch.session(SID.a, [userLine(SID.a, 'hi')]);
    const { doc, publisher } = await publish(SID.a);
    publisher.dispose();
    publisher.dispose();
    fs.appendFileSync(file, `${assistantLine(SID.a, 'after dispose')}\n`);
    const other = await publish(SID.a, { doc: new Y.Doc() });
    await untilDocIs(other.doc, file, 'a second publisher sees the write');
    assert.equal(readLines(doc).length, 1, 'the disposed publisher wrote nothing more');
  });
});
