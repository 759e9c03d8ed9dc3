import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { Origin, appendLines } from '../../../protocol/src';
import { materialiseSession } from '../../../extension/src/core/handoff';
import { SessionPublisher } from '../../../extension/src/core/sync/sessionPublisher';
import { makeClaudeEnv, type ClaudeTestEnv } from '../../helpers/claudeEnv';
import { defaultRespond, lastUserText, startFakeAnthropic, type FakeAnthropic, type MessagesBody } from '../../helpers/fakeAnthropic';
import { corpusSessions, sessionDoc } from '../../unit/handoff/corpusSessions';

// The real `claude` CLI (against the fake API) continues sessions that a pull wrote: a real session
// from the corpus, and a full round trip between two machines (two Claude folders, two project
// paths) through the real session publisher.

type Run = { code: number | null; stdout: string; stderr: string; sessionId?: string };

function runClaude(env: ClaudeTestEnv, claudeDir: string, cwd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      env.claudePath,
      [...args, '--output-format', 'stream-json', '--verbose'],
      { cwd, env: { ...env.baseEnv, ...env.apiEnv, CLAUDE_CONFIG_DIR: claudeDir }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const result = stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { type?: string; session_id?: string })
          .find((m) => m.type === 'result');
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, sessionId: result?.session_id });
      },
    );
    child.stdin?.end(); // an open stdin makes the CLI wait 3 s
  });
}

async function publish(claudeDir: string, sessionFile: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const publisher = new SessionPublisher({ claudeDir, projectFolder: path.basename(path.dirname(sessionFile)), sessionId: path.basename(sessionFile, '.jsonl'), doc });
  try {
    await publisher.start();
  } finally {
    publisher.dispose();
  }
  return doc;
}

const textsOf = (body: MessagesBody) => (body.messages ?? []).map((m) => JSON.stringify(m.content ?? '')).join('\n');

describe('handoff e2e: the real claude resumes a pulled session', function () {
  this.timeout(60_000);
  let fake: FakeAnthropic;
  let env: ClaudeTestEnv;
  const bodies: MessagesBody[] = [];
  beforeEach(async () => {
    bodies.length = 0;
    fake = await startFakeAnthropic({ respond: (body) => (bodies.push(body), defaultRespond(body)) });
    env = makeClaudeEnv(fake);
  });
  afterEach(async () => {
    env.dispose();
    await fake.close();
  });

  it('continues a real 2.1.97 session (subagents, tool-results) from the local project folder, appending to the pulled file', async () => {
    const s = corpusSessions().find((x) => x.sessionId === '8c880a68-969b-4b92-8733-a4927179d072')!;
    const projectDir = env.project('Claude');
    const pulled = await materialiseSession(sessionDoc(s), { claudeDir: env.claudeDir, projectDir });
    const before = fs.readFileSync(pulled.sessionFile);

    const run = await runClaude(env, env.claudeDir, projectDir, ['--resume', pulled.sessionId, '-p', 'carry on after the handoff']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.sessionId, pulled.sessionId);

    const request = bodies.find((b) => lastUserText(b).includes('carry on after the handoff'))!;
    const firstPrompt = fs.readFileSync(path.join(s.folder, `${s.sessionId}.jsonl`), 'utf8').split('\n').map((l) => JSON.parse(l || '{}') as { type?: string; message?: { content?: unknown } }).find((e) => e.type === 'user' && typeof e.message?.content === 'string')!;
    assert.ok(textsOf(request).includes(JSON.stringify(firstPrompt.message!.content).slice(1, 60)), 'the resumed request carries the pulled history');

    const after = fs.readFileSync(pulled.sessionFile);
    assert.ok(after.length > before.length && after.subarray(0, before.length).equals(before), 'appended to the pulled file, history byte for byte');
    const added = after.subarray(before.length).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { sessionId?: string; cwd?: string });
    assert.ok(added.some((e) => e.cwd === projectDir), 'new lines record the local project path');
    assert.ok(added.every((e) => e.sessionId === undefined || e.sessionId === pulled.sessionId));
    assert.deepEqual(fs.readdirSync(path.join(env.claudeDir, 'projects')), [path.basename(pulled.projectFolder)], 'no second copy in another project folder');
  });

  it('hands a session from one machine to another and back: publish, pull, resume, publish, fast-forward', async () => {
    const laptopDir = path.join(env.root, 'laptop-claude');
    const laptopProject = env.project('laptop/app');
    const desktopProject = env.project('desktop/src/app');
    const laptopRun = await runClaude(env, laptopDir, laptopProject, ['-p', 'started on the laptop']);
    assert.equal(laptopRun.code, 0, laptopRun.stderr);
    const id = laptopRun.sessionId!;
    const laptopFile = path.join(laptopDir, 'projects', laptopProject.replace(/[^A-Za-z0-9]/g, '-'), `${id}.jsonl`);

    const toDesktop = await materialiseSession(await publish(laptopDir, laptopFile), { claudeDir: env.claudeDir, projectDir: desktopProject });
    assert.equal(toDesktop.outcome, 'created');
    assert.ok(fs.readFileSync(toDesktop.sessionFile).equals(fs.readFileSync(laptopFile)));
    const desktopRun = await runClaude(env, env.claudeDir, desktopProject, ['--resume', id, '-p', 'continued on the desktop']);
    assert.equal(desktopRun.code, 0, desktopRun.stderr);
    assert.equal(desktopRun.sessionId, id);
    assert.ok(textsOf(bodies.at(-1)!).includes('started on the laptop'), 'the desktop run saw the laptop turn');

    const back = await materialiseSession(await publish(env.claudeDir, toDesktop.sessionFile), { claudeDir: laptopDir, projectDir: laptopProject });
    assert.equal(back.outcome, 'fast-forwarded');
    assert.equal(back.sessionFile, laptopFile);
    assert.ok(fs.readFileSync(laptopFile).equals(fs.readFileSync(toDesktop.sessionFile)));
    const laptopAgain = await runClaude(env, laptopDir, laptopProject, ['--resume', id, '-p', 'back on the laptop']);
    assert.equal(laptopAgain.code, 0, laptopAgain.stderr);
    assert.ok(textsOf(bodies.at(-1)!).includes('continued on the desktop'), 'the laptop run saw the desktop turn');
  });

  it('resumes a diverged share taken as new under its new id, leaving the local copy alone', async () => {
    const s = corpusSessions().find((x) => x.sessionId === '8c880a68-969b-4b92-8733-a4927179d072')!;
    const projectDir = env.project('Claude');
    const first = await materialiseSession(sessionDoc(s), { claudeDir: env.claudeDir, projectDir });
    assert.equal((await runClaude(env, env.claudeDir, projectDir, ['--resume', s.sessionId, '-p', 'a local turn'])).code, 0);
    const doc = sessionDoc(s); // the share gains a line the local copy lacks, so the two diverge
    appendLines(doc, [`{"type":"last-prompt","lastPrompt":"host only","sessionId":"${s.sessionId}"}`], Origin.fixture);
    const localBytes = fs.readFileSync(first.sessionFile);

    const diverged = await materialiseSession(doc, { claudeDir: env.claudeDir, projectDir });
    assert.equal(diverged.outcome, 'diverged');
    const asNew = await materialiseSession(doc, { claudeDir: env.claudeDir, projectDir, asNew: true });
    assert.equal(asNew.outcome, 'created');
    const run = await runClaude(env, env.claudeDir, projectDir, ['--resume', asNew.sessionId, '-p', 'continue the copy']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.sessionId, asNew.sessionId);
    assert.ok(fs.readFileSync(first.sessionFile).equals(localBytes), 'the local copy is untouched');
    assert.ok(fs.statSync(asNew.sessionFile).size > Buffer.byteLength(fs.readFileSync(path.join(s.folder, `${s.sessionId}.jsonl`))), 'the new session grew');
  });
});
