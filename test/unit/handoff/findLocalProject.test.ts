import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { Origin, appendLines, setMeta } from '../../../protocol/src';
import { HandoffError, chooseProjectDir, findProjectCandidates, hostBaseName, materialiseSession, projectFolderName, soleBest } from '../../../extension/src/core/handoff';
import { normaliseRemote } from '../../../extension/src/core/handoff/gitRemote';
import { Sandbox } from './sandbox';

function checkout(dir: string, remote?: string): string {
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  if (remote) fs.writeFileSync(path.join(dir, '.git', 'config'), `[core]\n\tbare = false\n[remote "origin"]\n\turl = ${remote}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`);
  return dir;
}

describe('handoff: finding the local project', () => {
  let box: Sandbox;
  let home: string;
  beforeEach(() => {
    box = new Sandbox();
    home = path.join(box.root, 'home');
    fs.mkdirSync(home);
  });
  afterEach(() => box.dispose());

  it('normalises remotes however the repository was cloned', () => {
    for (const url of ['git@github.com:Acme/App.git', 'https://github.com/acme/app', 'https://user:tok@github.com/acme/app.git/', 'ssh://git@github.com:22/acme/app.git', 'git+ssh://git@github.com/acme/app']) {
      assert.equal(normaliseRemote(url), 'github.com/acme/app', url);
    }
    assert.notEqual(normaliseRemote('git@github.com:acme/app2.git'), 'github.com/acme/app');
  });

  it('prefers the checkout with the same git remote over folders that only share the name', async () => {
    const byRemote = checkout(path.join(home, 'src', 'renamed'), 'git@github.com:acme/app.git');
    checkout(path.join(home, 'code', 'app'), 'git@github.com:someone-else/app.git');
    const found = await findProjectCandidates({ cwd: '/Users/host/dev/app', gitRemote: 'https://github.com/acme/app' }, { cwd: box.root, home });
    assert.equal(found[0].dir, byRemote);
    assert.equal(found[0].match, 'git-remote');
    assert.equal(soleBest(found)?.dir, byRemote);
    assert.deepEqual(found.map((c) => c.match), ['git-remote', 'name']);
  });

  it('reads the remote of a worktree through its gitdir file', async () => {
    const main = checkout(path.join(box.root, 'elsewhere', 'main-clone'), 'git@example.org:team/tool.git');
    const wt = path.join(home, 'projects', 'tool-wt');
    fs.mkdirSync(path.join(main, '.git', 'worktrees', 'wt'), { recursive: true });
    fs.writeFileSync(path.join(main, '.git', 'worktrees', 'wt', 'commondir'), '../..\n');
    fs.mkdirSync(wt, { recursive: true });
    fs.writeFileSync(path.join(wt, '.git'), `gitdir: ${path.join(main, '.git', 'worktrees', 'wt')}\n`);
    const found = await findProjectCandidates({ cwd: '/x/tool', gitRemote: 'https://example.org/team/tool' }, { cwd: home, home });
    assert.deepEqual(found.map((c) => [c.dir, c.match]), [[wt, 'git-remote']]);
  });

  it('matches by folder name (case-insensitively, from a Windows path) and asks when that is ambiguous', async () => {
    const a = path.join(home, 'src', 'App');
    const b = path.join(home, 'work', 'app');
    fs.mkdirSync(a, { recursive: true });
    fs.mkdirSync(b, { recursive: true });
    assert.equal(hostBaseName('C:\\Users\\dev\\app\\'), 'app');
    const found = await findProjectCandidates({ cwd: 'C:\\Users\\dev\\app' }, { cwd: box.root, home });
    assert.deepEqual(found.map((c) => c.dir).sort(), [a, b].sort());
    assert.equal(soleBest(found), null);
  });

  it('finds the host path itself when this machine has the same layout', async () => {
    const same = box.project('app');
    const found = await findProjectCandidates({ cwd: same }, { cwd: home, home });
    assert.deepEqual(found, [{ dir: same, match: 'same-path' }]);
  });

  it('finds nothing (rather than guessing) when no folder matches', async () => {
    fs.mkdirSync(path.join(home, 'src', 'other'), { recursive: true });
    assert.deepEqual(await findProjectCandidates({ cwd: '/h/app' }, { cwd: home, home }), []);
    assert.deepEqual(await findProjectCandidates({}, { cwd: home, home }), []);
  });
});

describe('handoff: the project folder name', () => {
  let box: Sandbox;
  beforeEach(() => (box = new Sandbox()));
  afterEach(() => box.dispose());

  it('is the path with every non-alphanumeric character replaced, as Claude Code names it', async () => {
    assert.equal(await projectFolderName(box.claudeDir, '/home/me/my_app.v2/Проект'), '-home-me-my-app-v2-------');
  });

  it('past 200 characters, is the existing folder whose sessions ran there, or a clear error', async () => {
    const long = `/home/me/${'deep/'.repeat(45)}app`;
    await assert.rejects(projectFolderName(box.claudeDir, long), (e: Error) => e instanceof HandoffError && /longer than 200 characters.*Run `claude` once/.test(e.message));
    const name = `${long.replace(/[^A-Za-z0-9]/g, '-').slice(0, 200)}-1x2y3z`;
    const decoy = `${long.replace(/[^A-Za-z0-9]/g, '-').slice(0, 200)}-zzzz`;
    for (const [n, cwd] of [[decoy, `${long}-other`], [name, long]]) {
      fs.mkdirSync(path.join(box.claudeDir, 'projects', n), { recursive: true });
      fs.writeFileSync(path.join(box.claudeDir, 'projects', n, 's.jsonl'), `{"type":"summary"}\n${JSON.stringify({ type: 'user', cwd })}\n`);
    }
    assert.equal(await projectFolderName(box.claudeDir, long), name);
  });
});

describe('handoff: the project folder given through a link', () => {
  let box: Sandbox;
  beforeEach(() => (box = new Sandbox()));
  afterEach(() => box.dispose());

  it('is named after the real path, as Claude Code (which runs in the resolved folder) names it', async () => {
    const sid = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';
    const doc = new Y.Doc();
    setMeta(doc, { sessionId: sid }, Origin.fixture);
    appendLines(doc, [`{"type":"user","sessionId":"${sid}"}`], Origin.fixture);
    const viaLink = path.join(box.root, 'link-to-proj');
    fs.symlinkSync(box.projectDir, viaLink);
    const r = await materialiseSession(doc, { claudeDir: box.claudeDir, projectDir: viaLink });
    assert.equal(r.projectDir, box.projectDir);
    assert.equal(r.projectFolder, box.projectFolder);
    await assert.rejects(materialiseSession(doc, { claudeDir: box.claudeDir, projectDir: path.join(box.root, 'missing') }), /does not exist here/);
  });
});

describe('handoff: a Windows session pulled onto Linux', () => {
  let box: Sandbox;
  beforeEach(() => (box = new Sandbox()));
  afterEach(() => box.dispose());

  it('lands in the folder for the local --project-dir, lines byte for byte (the host cwd stays in them)', async () => {
    const sid = '3c1f0e2d-4b5a-4697-8877-665544332211';
    const winLines = [
      `{"parentUuid":null,"cwd":"C:\\\\Users\\\\dev\\\\Tandem App","sessionId":"${sid}","version":"2.1.205","type":"user","message":{"role":"user","content":"héllo"},"uuid":"u1"}`,
      `{"parentUuid":"u1","cwd":"c:\\\\Users\\\\dev\\\\Tandem App","sessionId":"${sid}","type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"hi"}]},"uuid":"u2"}`,
    ];
    const doc = new Y.Doc();
    setMeta(doc, { sessionId: sid, cwd: 'C:\\Users\\dev\\Tandem App', projectFolder: 'C--Users-dev-Tandem-App' }, Origin.fixture);
    appendLines(doc, winLines, Origin.fixture);
    const projectDir = box.project('tandem-app');
    const r = await materialiseSession(doc, { claudeDir: box.claudeDir, projectDir });
    assert.equal(path.basename(r.projectFolder), projectDir.replace(/[^A-Za-z0-9]/g, '-'));
    assert.equal(fs.readFileSync(r.sessionFile, 'utf8'), winLines.join('\n') + '\n');
    assert.equal(r.projectDir, projectDir);
  });
});

describe('handoff: choosing the project to continue in', () => {
  let box: Sandbox;
  let home: string;
  beforeEach(() => {
    box = new Sandbox();
    home = path.join(box.root, 'home');
    fs.mkdirSync(path.join(home, 'src', 'app'), { recursive: true });
    fs.mkdirSync(path.join(home, 'work', 'app'), { recursive: true });
  });
  afterEach(() => box.dispose());
  const meta = { cwd: '/Users/host/app', gitRemote: 'https://host:ghp_SECRET@github.com/acme/app.git' };

  it('takes --project-dir as given, relative to the current folder', async () => {
    assert.equal(await chooseProjectDir(meta, { projectDir: 'here', cwd: box.root, home }), path.join(box.root, 'here'));
  });

  it('takes the only best match without asking', async () => {
    checkout(path.join(home, 'work', 'app'), 'git@github.com:acme/app.git');
    const ask = () => Promise.reject(new Error('must not ask'));
    assert.equal(await chooseProjectDir(meta, { cwd: box.root, home, ask }), path.join(home, 'work', 'app'));
  });

  it('asks when several folders could be it, and uses the answer', async () => {
    let offered: string[] = [];
    const dir = await chooseProjectDir(meta, { cwd: box.root, home, ask: async (c) => ((offered = c.map((x) => x.dir)), offered[1]) });
    assert.equal(offered.length, 2);
    assert.equal(dir, offered[1]);
  });

  it('without anyone to ask, fails listing the candidates, and never prints the remote credentials', async () => {
    await assert.rejects(chooseProjectDir(meta, { cwd: box.root, home }), (e: Error) => {
      assert.ok(e instanceof HandoffError);
      assert.match(e.message, /Several folders could be it:[\s\S]*src\/app \(same folder name\)[\s\S]*--project-dir/);
      assert.match(e.message, /github\.com\/acme\/app/);
      assert.doesNotMatch(e.message, /SECRET/);
      return true;
    });
    await assert.rejects(chooseProjectDir({ cwd: '/h/none' }, { cwd: box.root, home }), /No folder matched; searched .*home\/src/);
  });
});
