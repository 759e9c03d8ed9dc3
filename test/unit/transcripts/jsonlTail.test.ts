import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../../../extension/src/core/transcripts/diagnostics';
import { JsonlTail, OMITTED_LINE_TYPE, TailCheckpoint, type TailUpdate } from '../../../extension/src/core/transcripts/jsonlTail';
import { ScratchClaude, corpusSource, fileLines } from './fixtures';

const AFC = 'projects/-Users-darinhaener-dotfiles/afc4f5a3-4d18-458f-95cc-1e92dbbded5b.jsonl';

function appended(u: TailUpdate): string[] {
  assert.equal(u.kind, 'append', `expected an append, got ${JSON.stringify(u).slice(0, 200)}`);
  return u.kind === 'append' ? u.lines : [];
}

/** The lines of a rewrite, and why the tail re-read the file. */
function rewritten(u: TailUpdate): { lines: string[]; reason: string } {
  assert.equal(u.kind, 'rewrite', `expected a rewrite, got ${JSON.stringify(u).slice(0, 200)}`);
  return u.kind === 'rewrite' ? { lines: u.lines, reason: u.reason } : { lines: [], reason: '' };
}

describe('transcripts: JSONL tail', () => {
  let scratch: ScratchClaude;
  let file: string;
  let diagnostics: Diagnostic[];
  const tail = (options: ConstructorParameters<typeof JsonlTail>[1] = {}) => new JsonlTail(file, { onDiagnostic: (d) => diagnostics.push(d), ...options });

  beforeEach(() => {
    scratch = new ScratchClaude();
    file = path.join(scratch.project(), 'session.jsonl');
    diagnostics = [];
  });
  afterEach(() => scratch.dispose());

  it('follows real append growth (dphaener afc4f5a3: the older snapshot is a prefix of the newer) in odd-sized chunks', () => {
    const older = fs.readFileSync(path.join(corpusSource('dphaener-dotfiles@2e80a61'), AFC));
    const newer = fs.readFileSync(path.join(corpusSource('dphaener-dotfiles'), AFC));
    assert.ok(newer.subarray(0, older.length).equals(older), 'corpus: the older snapshot is a byte prefix of the newer one');
    fs.writeFileSync(file, older);
    const t = tail({ chunkBytes: 4096 });
    const seen = appended(t.read());
    assert.equal(seen.length, 65);
    const sizes = [1, 2, 3, 5, 7, 11, 13, 4093, 4099, 1, 65537];
    for (let pos = older.length, i = 0; pos < newer.length; i++) {
      const end = Math.min(newer.length, pos + sizes[i % sizes.length]);
      fs.appendFileSync(file, newer.subarray(pos, end));
      pos = end;
      const u = t.read();
      assert.equal(u.kind === 'append' && u.firstLine, seen.length, 'each batch starts where the last one ended');
      seen.push(...appended(u));
    }
    assert.deepEqual(seen, fileLines(path.join(corpusSource('dphaener-dotfiles'), AFC)));
    assert.equal(t.checkpoint().offset, newer.length);
    assert.deepEqual(diagnostics, []);
  });

  it('holds a partial last line until its newline arrives', () => {
    fs.writeFileSync(file, '{"a":1}\n{"b":');
    const t = tail();
    assert.deepEqual(appended(t.read()), ['{"a":1}']);
    assert.deepEqual(appended(t.read()), []);
    assert.equal(t.checkpoint().offset, 8, 'the checkpoint stops at the last complete line');
    fs.appendFileSync(file, '2}\n');
    assert.deepEqual(appended(t.read()), ['{"b":2}']);
  });

  it('keeps a UTF-8 character split across writes intact', () => {
    const line = Buffer.from('{"t":"héllo 🎉"}\n');
    fs.writeFileSync(file, line.subarray(0, 8));
    const t = tail();
    assert.deepEqual(appended(t.read()), []);
    fs.appendFileSync(file, line.subarray(8, 14));
    assert.deepEqual(appended(t.read()), []);
    fs.appendFileSync(file, line.subarray(14));
    assert.deepEqual(appended(t.read()), ['{"t":"héllo 🎉"}']);
    assert.deepEqual(diagnostics, []);
  });

  it('carries a 5 MB line byte for byte, read in small chunks', () => {
    const big = JSON.stringify({ type: 'user', text: 'x'.repeat(5 * 1024 * 1024) });
    fs.writeFileSync(file, `{"first":1}\n${big}\n{"after":1}\n`);
    const lines = appended(tail({ chunkBytes: 64 * 1024 }).read());
    assert.equal(lines.length, 3);
    assert.equal(lines[1], big);
    assert.equal(lines[2], '{"after":1}');
  });

  it('replaces a line over the cap with a placeholder, reports it, and keeps everything after it', () => {
    const huge = 'y'.repeat(3 * 1024 * 1024);
    fs.writeFileSync(file, `{"first":1}\n{"huge":"${huge}"}\n{"after":1}\n`);
    const t = tail({ maxLineBytes: 1024 * 1024 });
    const lines = appended(t.read());
    assert.equal(lines.length, 3);
    assert.equal(JSON.parse(lines[1]).type, OMITTED_LINE_TYPE);
    assert.equal(JSON.parse(lines[1]).bytes, huge.length + 11);
    assert.equal(lines[2], '{"after":1}');
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.line]),
      [['line-too-long', 1]],
    );
    fs.appendFileSync(file, '{"later":1}\n');
    assert.deepEqual(appended(t.read()), ['{"later":1}'], 'the tail keeps flowing after the long line');
  });

  it('carries bytes that are not UTF-8 as U+FFFD and reports the line; valid lines stay byte-exact', () => {
    fs.writeFileSync(file, Buffer.concat([Buffer.from('{"ok":"é"}\n{"bad":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}\n{"ok":2}\n')]));
    const lines = appended(tail().read());
    assert.deepEqual(lines, ['{"ok":"é"}', '{"bad":"\ufffd\ufffd\ufffd"}', '{"ok":2}']);
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.line]),
      [['invalid-utf8', 1]],
    );
  });

  it('carries CRLF and blank lines verbatim (the file is the truth)', () => {
    fs.writeFileSync(file, '{"a":1}\r\n\n{"b":2}\n');
    assert.deepEqual(appended(tail().read()), ['{"a":1}\r', '', '{"b":2}']);
  });

  it('re-reads from the start when the file shrinks', () => {
    fs.writeFileSync(file, '{"a":1}\n{"b":2}\n{"c":3}\n');
    const t = tail();
    t.read();
    fs.writeFileSync(file, '{"a":1}\n{"x":9}\n');
    const u = rewritten(t.read());
    assert.deepEqual(u.lines, ['{"a":1}', '{"x":9}']);
    assert.match(u.reason, /shrank from 24 to 16 bytes/);
    assert.deepEqual(
      diagnostics.map((d) => d.kind),
      ['rewritten'],
    );
    fs.appendFileSync(file, '{"d":4}\n');
    const next = t.read();
    assert.deepEqual(next.kind === 'append' && [next.firstLine, next.lines], [2, ['{"d":4}']]);
  });

  it('notices a rewrite of the same size with different bytes', () => {
    fs.writeFileSync(file, '{"a":1}\n{"b":2}\n');
    const t = tail();
    t.read();
    fs.writeFileSync(file, '{"a":1}\n{"B":2}\n');
    assert.deepEqual(rewritten(t.read()).lines, ['{"a":1}', '{"B":2}']);
  });

  it('notices a file replaced by another one (new inode)', () => {
    fs.writeFileSync(file, '{"a":1}\n');
    const t = tail();
    t.read();
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, '{"a":1}\n{"b":2}\n');
    fs.renameSync(tmp, file);
    assert.match(rewritten(t.read()).reason, /replaced/);
  });

  it('reports a deleted file as missing and picks it up again when it comes back', () => {
    fs.writeFileSync(file, '{"a":1}\n');
    const t = tail();
    t.read();
    fs.rmSync(file);
    assert.deepEqual(t.read(), { kind: 'missing' });
    fs.writeFileSync(file, '{"z":1}\n');
    assert.deepEqual(rewritten(t.read()).lines, ['{"z":1}']);
  });

  it('resumes from a serialised checkpoint without losing or repeating a line', () => {
    fs.writeFileSync(file, '{"a":1}\n{"b":2}\n{"c":');
    const first = tail();
    assert.deepEqual(appended(first.read()), ['{"a":1}', '{"b":2}']);
    const saved = JSON.parse(JSON.stringify(first.checkpoint()));
    fs.appendFileSync(file, '3}\n{"d":4}\n');
    const resumed = tail({ checkpoint: TailCheckpoint.parse(saved) });
    const u = resumed.read();
    assert.deepEqual(u.kind === 'append' && [u.firstLine, u.lines], [2, ['{"c":3}', '{"d":4}']]);
  });

  it('does not trust a checkpoint of a file that was rewritten meanwhile', () => {
    fs.writeFileSync(file, '{"a":1}\n{"b":2}\n');
    const first = tail();
    first.read();
    const saved = first.checkpoint();
    fs.writeFileSync(file, '{"A":1}\n{"b":2}\n{"c":3}\n');
    assert.deepEqual(rewritten(tail({ checkpoint: saved }).read()).lines, ['{"A":1}', '{"b":2}', '{"c":3}']);
  });

  it('reads a big file in budgeted steps that add up to the whole file', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ i, pad: 'p'.repeat(i % 300) }));
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const t = tail({ chunkBytes: 16 * 1024 });
    const seen: string[] = [];
    let steps = 0;
    for (;;) {
      const u = t.read(64 * 1024);
      seen.push(...appended(u));
      steps++;
      if (u.kind !== 'append' || !u.more) break;
    }
    assert.ok(steps > 5, `several steps (${steps})`);
    assert.deepEqual(seen, lines);
  });

  it('reports a path it cannot read as a file instead of throwing', () => {
    fs.mkdirSync(file);
    const u = tail().read();
    assert.equal(u.kind, 'unreadable');
    assert.deepEqual(
      diagnostics.map((d) => d.kind),
      ['unreadable'],
    );
  });
});
