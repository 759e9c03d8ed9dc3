import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { HandoffError, materialiseSession } from '../../../extension/src/core/handoff';
import { writeFileAtomic } from '../../../extension/src/core/handoff/atomicWrite';
import { corpusSessions, fileLines, listTree, sessionDoc } from './corpusSessions';
import { Sandbox } from './sandbox';

// A write that fails must leave no half-written transcript. Tests run as root, which ignores file
// modes, so refusals are produced in ways root cannot bypass: a file where a folder is expected
// (ENOTDIR), and a file-size limit (`ulimit -f`, EFBIG) standing in for a full disk.
const big = () => corpusSessions().find((s) => s.sessionId === '354b2588-2a5c-43d7-b678-e95a4a87bd2a')!;

describe('handoff: failed writes leave no partial transcript', () => {
  let box: Sandbox;
  let projectDir: string;
  let folder: string;
  beforeEach(() => {
    box = new Sandbox();
    ({ projectDir, projectFolder: folder } = box);
  });
  afterEach(() => box.dispose());

  it('stops before the main file when a side folder cannot be created (a file is in the way)', async () => {
    const s = corpusSessions().find((x) => x.files.includes(`${x.sessionId}.jsonl`) && x.files.some((f) => f.includes('/tool-results/')))!;
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, s.sessionId), 'in the way');
    await assert.rejects(materialiseSession(sessionDoc(s), { claudeDir: box.claudeDir, projectDir }), (e: Error) => e instanceof HandoffError && /file where a folder is expected/.test(e.message));
    assert.deepEqual(listTree(folder), [s.sessionId]);
  });

  it('refuses to replace a folder standing where the session file goes', async () => {
    const s = corpusSessions().find((x) => x.sessionId === '5fbb940a-c7f3-404d-bf66-a028fcc250ec')!;
    fs.mkdirSync(path.join(folder, `${s.sessionId}.jsonl`), { recursive: true });
    await assert.rejects(materialiseSession(sessionDoc(s), { claudeDir: box.claudeDir, projectDir }), /something other than a file is there/);
    assert.deepEqual(listTree(folder), [`${s.sessionId}.jsonl/`]);
  });

  it('leaves the target as it was when the last-moment check vetoes the swap (a claude writing the file meanwhile)', async () => {
    const target = path.join(box.root, 'session.jsonl');
    fs.writeFileSync(target, 'old\n');
    const veto = () => Promise.reject(new HandoffError('changed while Tandem was pulling'));
    await assert.rejects(writeFileAtomic(target, Buffer.from('new\n'), { mode: 0o600, beforeRename: veto }), /changed while/);
    assert.equal(fs.readFileSync(target, 'utf8'), 'old\n');
    assert.deepEqual(fs.readdirSync(box.root).sort(), ['checkouts', 'session.jsonl']);
  });

  it('keeps the old local copy, whole, when the disk refuses the new one (EFBIG under ulimit -f)', function () {
    const s = big();
    const lines = fileLines(path.join(s.folder, `${s.sessionId}.jsonl`));
    const prefix = Buffer.from(lines.slice(0, 40).join('\n') + '\n');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, `${s.sessionId}.jsonl`), prefix);
    const limitKiB = 1024; // the session is 2.7 MiB
    const child = spawnSync(
      '/bin/bash',
      ['-c', `ulimit -f ${limitKiB} && exec "$@"`, 'bash', process.execPath, '--import', 'tsx', path.join(import.meta.dirname, 'fixtures/pullCorpusSession.ts'), s.sessionId, box.claudeDir, projectDir],
      { encoding: 'utf8' },
    );
    assert.equal(child.status, 1, child.stderr);
    assert.match(child.stderr, /HandoffError: Could not write .*EFBIG.*no partial write/);
    assert.ok(fs.readFileSync(path.join(folder, `${s.sessionId}.jsonl`)).equals(prefix), 'the local copy is unchanged');
    assert.deepEqual(listTree(folder), [`${s.sessionId}.jsonl`], 'no temp file left behind');
  });
});
