import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { Origin, addCancel, boundAuthor, parseLink, readLines, readRuns, roomName, websocketBase } from '../../../protocol/src';
import { joinShare, type JoinedShare } from '../../../extension/src/core/sync/joinShare';
import { CliProcess, runCliCaptured, shareLinks, type CliResult } from '../../helpers/cli';
import { makeClaudeEnv, type ClaudeTestEnv } from '../../helpers/claudeEnv';
import { defaultRespond, lastUserText, startFakeAnthropic, type FakeAnthropic } from '../../helpers/fakeAnthropic';
import { waitFor } from '../../helpers/waitFor';

// Issue 10 item 8, as an attacker would try it: escape sequences and bidi controls in every piece of
// network text a terminal shows (a session title, the host label, a watcher's presence, a prompt's
// result, a cancel, the transcript) pushed through every CLI output path with a real
// relay and real processes. No raw ESC, C1 or bidi character may reach stdout or stderr; the text
// still arrives, shown as visible escapes.

const EVIL = '\u001b[2J\u001b]0;owned\u0007\u009b31m\u202eevil\u2066x\u200f';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const SHOWN = '\\u001b[2J\\u001b]0;owned\\u0007\\u009b31m\\u202eevil\\u2066x\\u200f';

function assertNeutral(what: string, text: string): void {
  const m = RAW.exec(text);
  assert.equal(m, null, `${what} printed a raw U+${m?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 40), (m?.index ?? 0) + 40))}`);
}

describe('e2e: network text never reaches the terminal raw', function () {
  this.timeout(120_000);
  let fake: FakeAnthropic;
  let env: ClaudeTestEnv;
  let cliEnv: NodeJS.ProcessEnv;
  let sessionId: string;
  let host: CliProcess;
  let links: Awaited<ReturnType<typeof shareLinks>>;
  const outputs: { what: string; out: CliResult }[] = [];
  const disposers: (() => void)[] = [];

  before(async () => {
    fake = await startFakeAnthropic({ respond: (body) => (lastUserText(body).includes('ESCAPE-ME') ? { content: [{ type: 'text', text: `result ${EVIL}` }] } : defaultRespond(body)) });
    env = makeClaudeEnv(fake);
    cliEnv = { ...env.baseEnv, ...env.apiEnv, TANDEM_HOME: path.join(env.root, 'tandem') };
    sessionId = await env.createSession(env.project('proj'));
    fs.appendFileSync(env.transcriptPath(sessionId)!, `${JSON.stringify({ type: 'custom-title', customTitle: `title ${EVIL}`, sessionId })}\n`);
    host = new CliProcess(['share', sessionId, '--prompts', 'auto', '--claude', env.claudePath, '--port', '0', '--label', `host ${EVIL}`], cliEnv);
    links = await shareLinks(host);
  });

  after(async () => {
    disposers.forEach((d) => d());
    await host?.stop();
    await fake?.close();
    env?.dispose();
  });

  it('tandem sessions shows a title from the files escaped', async () => {
    const r = await runCliCaptured(['sessions', '--claude-dir', env.claudeDir], { env: cliEnv });
    outputs.push({ what: 'tandem sessions', out: r });
    assert.ok(r.stdout.includes('title \\u001b[2J'), r.stdout);
  });

  it('tandem share and tandem prompt --wait show watchers, results and cancels escaped', async () => {
    const observer = parseLink(links.observer);
    assert.ok(observer.ok);
    const doc = new Y.Doc();
    const watcher = new WebsocketProvider(websocketBase(observer.link.relayUrl), roomName(observer.link.shareId, 'transcript'), doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token: observer.link.token },
      disableBc: true,
    });
    disposers.push(() => watcher.destroy());
    watcher.awareness.setLocalState({ user: { name: `eve ${EVIL}`, role: 'observer', client: 'browser' } });
    // the relay binds presence names to tokens now, so the name may not arrive: what arrives must be neutral
    await waitFor(() => host.stderr.includes('watching'), { timeoutMs: 15_000, what: 'the host to list the watcher' });
    outputs.push({ what: 'tandem shares', out: await runCliCaptured(['shares'], { env: cliEnv }) });

    const done = await runCliCaptured(['prompt', links.prompter, 'ESCAPE-ME please', '--wait'], { env: cliEnv });
    outputs.push({ what: 'tandem prompt --wait (done)', out: done });
    assert.equal(done.code, 0, done.stdout + done.stderr);
    assert.ok(done.stdout.includes(`result ${SHOWN}`), done.stdout);

    const waiting = new CliProcess(['prompt', links.prompter, '[[delay: 30000]] slow', '--wait'], cliEnv);
    const id = (await waiting.waitForOutput(/queued prompt (\S+)/))[1];
    const prompter: JoinedShare = await joinShare(links.prompter);
    disposers.push(() => prompter.dispose());
    await waitFor(() => readRuns(prompter.docs.transcript).get(id)?.state === 'running', { timeoutMs: 30_000, what: 'the slow prompt to run' });
    addCancel(prompter.docs.queue, { promptId: id, ...boundAuthor(prompter.link.claims), createdAt: Date.now() }, Origin.composer);
    const code = await waiting.exited;
    outputs.push({ what: 'tandem prompt --wait (cancelled)', out: { code: code ?? -1, stdout: waiting.stdout, stderr: waiting.stderr } });
    assert.match(waiting.stdout, /Stopped by /);

  });

  it('tandem open and tandem pull print the transcript and the share escaped', async () => {
    // `tandem prompt --wait` saw the run done: the host shared claude's reply before it wrote that
    const observer: JoinedShare = await joinShare(links.observer);
    disposers.push(() => observer.dispose());
    assert.ok(readLines(observer.docs.transcript).some((l) => l.includes('result ') && l.includes('owned')), 'the run was done before its reply was shared');
    const open = await runCliCaptured(['open', links.observer], { env: cliEnv });
    outputs.push({ what: 'tandem open', out: open });
    assert.ok(open.stdout.includes(`result ${SHOWN}`), open.stdout);
    const pulled = path.join(env.root, 'pulled');
    const pull = await runCliCaptured(['pull', links.handoff, '--project-dir', env.project('pulled-proj'), '--claude-dir', pulled], { env: cliEnv });
    outputs.push({ what: 'tandem pull', out: pull });
    assert.equal(pull.code, 0, pull.stdout + pull.stderr);
  });

  it('no output path printed a raw control, escape or bidi character', () => {
    outputs.push({ what: 'tandem share', out: { code: 0, stdout: host.stdout, stderr: host.stderr } });
    assert.ok(host.stdout.includes(`title ${SHOWN}`), host.stdout);
    for (const { what, out } of outputs) {
      assertNeutral(`${what} (stdout)`, out.stdout);
      assertNeutral(`${what} (stderr)`, out.stderr);
    }
  });
});
