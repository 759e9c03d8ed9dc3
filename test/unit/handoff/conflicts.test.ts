import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describePull, materialiseSession, type PullResult } from '../../../extension/src/core/handoff';
import { CORPUS, corpusSessions, fileLines, listTree, sessionDoc, type CorpusSession } from './corpusSessions';
import { Sandbox } from './sandbox';

// The corpus holds two real snapshots of one session taken minutes apart; the earlier one is a byte
// prefix of the later one (transcript-format.md §3): a local copy behind, or ahead of, the share.
const SID = 'afc4f5a3-4d18-458f-95cc-1e92dbbded5b';
const snapshot = (source: string) => path.join(CORPUS, source, 'projects/-Users-darinhaener-dotfiles', `${SID}.jsonl`);
const EARLY = snapshot('dphaener-dotfiles@2e80a61');
const LATE = snapshot('dphaener-dotfiles');
const bySource = (source: string) => corpusSessions().find((s) => s.sessionId === SID && s.folder.includes(`/${source}/`))!;

describe('handoff: a local copy already exists', () => {
  let box: Sandbox;
  let projectDir: string;
  let local: string;
  beforeEach(() => {
    box = new Sandbox();
    projectDir = box.projectDir;
    local = path.join(box.projectFolder, `${SID}.jsonl`);
  });
  afterEach(() => box.dispose());

  const placeLocal = (bytes: Buffer | string) => {
    fs.mkdirSync(path.dirname(local), { recursive: true });
    fs.writeFileSync(local, bytes);
  };
  const pull = (s: CorpusSession, asNew = false) => materialiseSession(sessionDoc(s), { claudeDir: box.claudeDir, projectDir, asNew });

  it('fast-forwards a local copy that is a prefix of the shared one, leaving it private (0600)', async () => {
    assert.ok(fs.readFileSync(LATE).subarray(0, fs.statSync(EARLY).size).equals(fs.readFileSync(EARLY)), 'corpus: early is a prefix of late');
    placeLocal(fs.readFileSync(EARLY));
    fs.chmodSync(local, 0o644);
    const r = await pull(bySource('dphaener-dotfiles'));
    assert.equal(r.outcome, 'fast-forwarded');
    assert.ok(fs.readFileSync(local).equals(fs.readFileSync(LATE)));
    assert.equal(fs.statSync(local).mode & 0o777, 0o600, 'a pulled transcript is readable by others');
    assert.match(describePull(r).join(' '), /was behind the share/);
  });

  it('keeps a local copy the shared one is a prefix of, and says so', async () => {
    placeLocal(fs.readFileSync(LATE));
    const r = await pull(bySource('dphaener-dotfiles@2e80a61'));
    assert.equal(r.outcome, 'kept-local');
    assert.ok(fs.readFileSync(local).equals(fs.readFileSync(LATE)));
    assert.match(describePull(r).join(' '), /ahead of the share/);
  });

  it('leaves a diverged local copy untouched, writes nothing else, and explains', async () => {
    const s = bySource('dphaener-dotfiles');
    const mine = Buffer.from(fileLines(EARLY).join('\n') + '\n{"type":"user","sessionId":"' + SID + '","message":{"role":"user","content":"only here"}}\n');
    placeLocal(mine);
    const r = await pull(s);
    assert.equal(r.outcome, 'diverged');
    assert.ok(fs.readFileSync(local).equals(mine));
    assert.deepEqual(listTree(box.claudeDir), [path.relative(box.claudeDir, local)]);
    assert.ok(r.files.every((f) => !f.written));
    assert.match(describePull(r).join(' '), /diverged.*Nothing was written; your copy is untouched/);
  });

  it('takes a diverged share as a new session: new id in the file name and every line, all other bytes equal', async () => {
    const mine = Buffer.from('{"type":"user","sessionId":"' + SID + '","message":{"role":"user","content":"only here"}}\n');
    placeLocal(mine);
    const r = await pull(bySource('dphaener-dotfiles'), true);
    assert.equal(r.outcome, 'created');
    assert.notEqual(r.sessionId, SID);
    assert.equal(r.sourceSessionId, SID);
    assert.equal(r.sessionFile, path.join(path.dirname(local), `${r.sessionId}.jsonl`));
    assert.ok(fs.readFileSync(local).equals(mine), 'local copy untouched');
    assertRewritten(fs.readFileSync(LATE, 'utf8'), fs.readFileSync(r.sessionFile, 'utf8'), SID, r.sessionId);
    assert.match(describePull(r).join(' '), new RegExp(`as a new session ${r.sessionId}`));
  });

  it('takes a session with nested and flat subagents and tool-results as new: folder renamed, subagent ids rewritten, blobs equal', async () => {
    const nested = corpusSessions().find((s) => s.files.some((f) => f.includes('/subagents/')) && s.files.some((f) => f.includes('/tool-results/')))!;
    const r = await materialiseSession(sessionDoc(nested), { claudeDir: box.claudeDir, projectDir, asNew: true });
    assertSessionRenamed(nested, r);
    const flat = corpusSessions().find((s) => s.files.some((f) => f.startsWith('agent-')))!;
    const rf = await materialiseSession(sessionDoc(flat), { claudeDir: box.claudeDir, projectDir, asNew: true });
    assertSessionRenamed(flat, rf);
    assert.ok(rf.files.some((f) => /^[0-9a-f-]{36}\/subagents\/agent-[^/]+\.jsonl$/.test(f.rel)), 'flat agent moved under the new session');
  });
});

function assertSessionRenamed(s: CorpusSession, r: PullResult): void {
  const folder = path.dirname(r.sessionFile);
  const newRel = (rel: string) => (rel.startsWith('agent-') ? `${r.sessionId}/subagents/${rel}` : rel.replace(s.sessionId, r.sessionId));
  assert.deepEqual(r.files.map((f) => f.rel).sort(), s.files.map(newRel).sort());
  for (const rel of s.files) {
    const before = fs.readFileSync(path.join(s.folder, rel));
    const after = fs.readFileSync(path.join(folder, newRel(rel)));
    if (rel.endsWith('.jsonl')) assertRewritten(before.toString('utf8'), after.toString('utf8'), s.sessionId, r.sessionId);
    else assert.ok(after.equals(before), `${rel} is copied as is`);
  }
}

/** Line for line: the parsed line equals the original with sessionId swapped, and swapping the id
 *  back in the raw text gives the original bytes. */
function assertRewritten(before: string, after: string, from: string, to: string): void {
  const a = before.split('\n');
  const b = after.split('\n');
  assert.equal(b.length, a.length);
  let rewritten = 0;
  a.forEach((line, i) => {
    if (!line) return assert.equal(b[i], '');
    const old = JSON.parse(line) as { sessionId?: string };
    const expected = old.sessionId === from ? { ...old, sessionId: to } : old;
    assert.deepEqual(JSON.parse(b[i]), expected);
    assert.equal(b[i].replace(`"sessionId":"${to}"`, `"sessionId":"${from}"`), line);
    if (old.sessionId === from) rewritten++;
  });
  assert.ok(rewritten > 0 && !after.includes(`"sessionId":"${from}"`));
}
