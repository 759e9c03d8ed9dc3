import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildLink, readLines } from '../../../protocol/src';
import { runCliCaptured } from '../../helpers/cli';
import { joinShare } from '../../../extension/src/core/sync/joinShare';
import { SessionPublisher } from '../../../extension/src/core/sync/sessionPublisher';
import { signToken, type ShareKeys } from '../../../extension/src/core/sync/shareKeys';
import { claudeBinary, makeClaudeEnv, type ClaudeTestEnv } from '../../helpers/claudeEnv';
import { startFakeAnthropic, type FakeAnthropic } from '../../helpers/fakeAnthropic';
import { waitFor } from '../../helpers/waitFor';
import { RelayFixture } from '../../relay/helpers/relayFixture';
import { corpusSessions, fileLines, listTree, type CorpusSession } from '../../unit/handoff/corpusSessions';
import { Sandbox } from '../../unit/handoff/sandbox';

// `tandem pull` against a real share: a real relay on port 0, the host publishing a real corpus
// session through the session publisher and the connector, the CLI joining with a link.

const SESSION = '8c880a68-969b-4b92-8733-a4927179d072'; // 2.1.97: nested subagent and tool-results
const repoRoot = path.resolve(import.meta.dirname, '../../..');

async function tandem(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const r = await runCliCaptured(args, { env });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('handoff e2e: tandem pull from a real share over a real relay', function () {
  this.timeout(60_000);
  const f = new RelayFixture();
  let box: Sandbox;
  let keys: ShareKeys;
  let session: CorpusSession;
  let link: (role: 'host' | 'observer' | 'prompter') => string;

  beforeEach(async () => {
    box = new Sandbox();
    await f.start();
    keys = f.share();
    link = (role) => buildLink(f.relay.url, keys.shareId, f.token(keys, role));
    session = corpusSessions().find((s) => s.sessionId === SESSION)!;
    const host = await joinShare(link('host'));
    f.onDispose(() => host.dispose());
    const publisher = new SessionPublisher({ claudeDir: path.dirname(path.dirname(session.folder)), projectFolder: path.basename(session.folder), sessionId: SESSION, doc: host.docs.transcript });
    f.onDispose(() => publisher.dispose());
    await publisher.start();
    // the relay has the whole session once a fresh viewer sees every line
    const lines = fileLines(path.join(session.folder, `${SESSION}.jsonl`)).length;
    await waitFor(async () => {
      const viewer = await joinShare(link('observer'));
      const n = readLines(viewer.docs.transcript).length;
      viewer.dispose();
      return n === lines;
    }, { timeoutMs: 10_000, what: 'the relay to hold the published session' });
  });
  afterEach(async () => {
    await f.dispose();
    box.dispose();
  });

  const pullArgs = (l: string, ...more: string[]) => ['pull', l, '--project-dir', box.projectDir, '--claude-dir', box.claudeDir, ...more];

  it('writes every file of the session byte for byte and prints the resume command; the token is never printed', async () => {
    const observer = link('observer');
    const r = await tandem(pullArgs(observer));
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(listTree(box.projectFolder), session.files);
    for (const rel of session.files) assert.ok(fs.readFileSync(path.join(box.projectFolder, rel)).equals(fs.readFileSync(path.join(session.folder, rel))), rel);
    assert.match(r.out, new RegExp(`Wrote session ${SESSION} and ${session.files.length - 1} side files`));
    assert.ok(r.out.includes(`cd ${box.projectDir} && claude --resume ${SESSION}`), r.out);
    const token = observer.split('#t=')[1];
    assert.ok(!r.out.includes(token) && !r.err.includes(token), 'no token in the output');

    const again = await tandem(pullArgs(link('prompter')));
    assert.equal(again.code, 0);
    assert.match(again.out, /already matches the share/);
  });

  it('finds the project by folder name under the home folder when no --project-dir is given', async () => {
    const home = path.join(box.root, 'home');
    const checkout = path.join(home, 'src', 'Claude'); // the host's cwd is /home/vwestberg/Claude
    fs.mkdirSync(checkout, { recursive: true });
    const r = await tandem(['pull', link('observer'), '--claude-dir', box.claudeDir], { HOME: home });
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.includes(`cd ${checkout} && claude --resume ${SESSION}`), r.out);
    assert.ok(fs.existsSync(path.join(box.claudeDir, 'projects', checkout.replace(/[^A-Za-z0-9]/g, '-'), `${SESSION}.jsonl`)));
  });

  it('refuses a diverged local copy (exit 1, nothing written), then --as-new writes it under a new id', async () => {
    const local = path.join(box.projectFolder, `${SESSION}.jsonl`);
    const mine = `{"type":"user","sessionId":"${SESSION}","message":{"role":"user","content":"only here"}}\n`;
    fs.mkdirSync(box.projectFolder, { recursive: true });
    fs.writeFileSync(local, mine);
    const r = await tandem(pullArgs(link('observer')));
    assert.equal(r.code, 1);
    assert.match(r.out, /diverged[\s\S]*Pull again with --as-new/);
    assert.deepEqual(listTree(box.projectFolder), [`${SESSION}.jsonl`]);

    const asNew = await tandem(pullArgs(link('observer'), '--as-new'));
    assert.equal(asNew.code, 0, asNew.err);
    const newId = /claude --resume ([0-9a-f-]{36})/.exec(asNew.out)![1];
    assert.notEqual(newId, SESSION);
    assert.equal(fs.readFileSync(local, 'utf8'), mine);
    assert.ok(fs.existsSync(path.join(box.projectFolder, `${newId}.jsonl`)));
    assert.ok(fs.existsSync(path.join(box.projectFolder, newId, 'subagents')));
  });

  it('says why a link is refused (forged signature: exit 3; expired: exit 3; not a link: exit 2) and writes nothing', async () => {
    const good = link('observer');
    const forged = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const r = await tandem(pullArgs(forged));
    assert.equal(r.code, 3, r.err);
    assert.match(r.err, /refused/);
    const expired = buildLink(f.relay.url, keys.shareId, signToken(keys, { role: 'observer', ttlSeconds: 60, now: Date.now() / 1000 - 3600 }).token);
    const e = await tandem(pullArgs(expired));
    assert.equal(e.code, 3);
    assert.match(e.err, /expired on .*ask the host for a new link/);
    const bad = await tandem(pullArgs('not a link'));
    assert.equal(bad.code, 2);
    assert.deepEqual(listTree(box.claudeDir), []);
  });

  describe('with the real claude CLI', () => {
    let fake: FakeAnthropic;
    let env: ClaudeTestEnv;
    beforeEach(async () => {
      fake = await startFakeAnthropic();
      env = makeClaudeEnv(fake);
    });
    afterEach(async () => {
      env.dispose();
      await fake.close();
    });

    it('--resume runs claude --resume <id> in the project folder, and it appends to the pulled session', async () => {
      const childEnv = { ...env.baseEnv, ...env.apiEnv, PATH: `${path.dirname(claudeBinary())}:${env.baseEnv.PATH}` };
      const args = [path.join(repoRoot, 'extension/src/cli/main.ts'), ...pullArgs(link('observer'), '--resume', '--', '-p', 'go on from the pull', '--output-format', 'stream-json', '--verbose')];
      const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, ['--import', 'tsx', ...args], { cwd: repoRoot, env: childEnv, timeout: 30_000 }, (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
        child.stdin?.end();
      });
      assert.equal(code, 0, stderr);
      assert.match(stdout, new RegExp(`Running: cd .* && claude --resume ${SESSION} -p go on from the pull`));
      assert.ok(stdout.includes('"subtype":"init"'), 'claude wrote its stream to the same terminal');
      const file = fs.readFileSync(path.join(box.projectFolder, `${SESSION}.jsonl`), 'utf8');
      assert.ok(file.startsWith(fs.readFileSync(path.join(session.folder, `${SESSION}.jsonl`), 'utf8')));
      assert.ok(file.includes('fake reply to: go on from the pull'));
    });
  });
});
