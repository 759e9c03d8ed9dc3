import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rememberProjectDir } from '../../../extension/src/core/handoff/localProject';
import { acquireSessionLock } from '../../../extension/src/core/prompts/sessionLock';
import { noteStarted } from '../../../extension/src/core/prompts/startedJournal';
import { lockFolder, openTandemHome } from '../../../extension/src/core/state/tandemHome';
import { ShareStore } from '../../../extension/src/core/sync/shareStore';
import { waitFor } from '../../helpers/waitFor';

// Issue 10 item 7: everything Tandem keeps (share keys and links, started journals, pulled-project
// records, session locks) is private to the user whatever the umask, an older install is tightened
// on start, and a lock folder another user owns is refused.

const SID = '0b6c7a52-1c1e-4a8e-9d0f-3f2a1b4c5d6e';
const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('state: Tandem\'s files are private to the user', () => {
  let root: string;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let umask: number;
  beforeEach(() => {
    umask = process.umask(0o022);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'private-'));
    home = path.join(root, 'tandem');
    env = { TANDEM_HOME: home };
  });
  afterEach(() => {
    process.umask(umask);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('creates every folder 0700 and every file 0600 under umask 022', async () => {
    await openTandemHome(env);
    await (await new ShareStore({ home, linkTtlSeconds: 3600 }).prepare(SID, 'http://127.0.0.1:8787')).commit();
    await noteStarted(path.join(home, 'shares', `${SID}.runs.jsonl`), 'p-1');
    await rememberProjectDir(home, SID, '/work/app');
    const lock = await acquireSessionLock(lockFolder(env), SID);
    const files = [`shares/${SID}.json`, `shares/${SID}.runs.jsonl`, `pulls/${SID}.json`, `locks/${SID}.lock`];
    assert.deepEqual(
      ['', 'shares', 'pulls', 'locks', ...files].map((p) => [p, mode(path.join(home, p))]),
      [['', 0o700], ['shares', 0o700], ['pulls', 0o700], ['locks', 0o700], ...files.map((f) => [f, 0o600])],
    );
    await lock.release();
  });

  it('tightens an existing install on start, and files it writes again', async () => {
    for (const dir of ['', 'shares', 'relay/rooms', 'pulls', 'locks']) fs.mkdirSync(path.join(home, dir), { recursive: true, mode: 0o755 });
    for (const file of [`shares/${SID}.json`, 'relay/rooms/a.log', `pulls/${SID}.json`]) fs.writeFileSync(path.join(home, file), '{}', { mode: 0o644 });
    fs.chmodSync(home, 0o755);
    await openTandemHome(env);
    for (const p of ['', 'shares', 'relay', 'relay/rooms', 'pulls', 'locks']) assert.equal(mode(path.join(home, p)), 0o700, p);
    for (const p of [`shares/${SID}.json`, 'relay/rooms/a.log', `pulls/${SID}.json`]) assert.equal(mode(path.join(home, p)), 0o600, p);

    const journal = path.join(root, 'elsewhere', 'runs.jsonl');
    fs.mkdirSync(path.dirname(journal), { mode: 0o755 });
    fs.writeFileSync(journal, 'p-0\n', { mode: 0o644 });
    await noteStarted(journal, 'p-1');
    assert.deepEqual([mode(path.dirname(journal)), mode(journal)], [0o700, 0o600]);
    assert.equal(fs.readFileSync(journal, 'utf8'), 'p-0\np-1\n');
    fs.chmodSync(path.join(home, 'pulls', `${SID}.json`), 0o644);
    await rememberProjectDir(home, SID, '/work/app');
    assert.equal(mode(path.join(home, 'pulls', `${SID}.json`)), 0o600);
  });

  it('refuses a lock folder that belongs to another user, saying what to do', async function () {
    if (process.getuid?.() !== 0) this.skip(); // only root can give a folder to someone else
    const locks = lockFolder(env);
    fs.mkdirSync(locks, { recursive: true, mode: 0o777 });
    fs.chownSync(locks, 4321, 4321);
    await assert.rejects(acquireSessionLock(locks, SID), /belongs to another user \(uid 4321\).*TANDEM_HOME/);
    assert.deepEqual(fs.readdirSync(locks), [], 'nothing was written into the foreign folder');
  });

  it('says why a prompt waits for a lock, and takes it once released', async () => {
    const held = await acquireSessionLock(lockFolder(env), SID);
    const told: string[] = [];
    const waiting = acquireSessionLock(lockFolder(env), SID, { pollMs: 10, onWait: (why) => told.push(why) });
    await waitFor(() => told.length > 0, { what: 'the waiter to say why it waits' });
    assert.deepEqual(told, [`waiting for another Tandem host on this machine (process ${process.pid}) to finish its prompt on this session`]);
    await held.release();
    await (await waiting).release();
  });
});
