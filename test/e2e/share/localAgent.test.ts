import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { readLines } from '../../../protocol/src';
import { readAgentState } from '../../../extension/src/core/agent/agentFiles';
import { stopAgent } from '../../../extension/src/core/agent/localAgent';
import { freePort } from '../../../extension/src/core/sync/freePort';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ShareConnection } from '../../../protocol/src/connector';
import { joinShare, parseShareLink, type JoinedShare } from '../../../extension/src/core/sync/joinShare';
import { nodeSocketFactory } from '../../../extension/src/core/sync/nodeSocket';
import { CliProcess, runCliCaptured, shareLinks } from '../../helpers/cli';
import { waitFor } from '../../helpers/waitFor';

// Issue 12 end to end: `tandem share` from several terminals through the local agent's relay, as real
// processes. Each test has its own TANDEM_HOME and port and stops the agent it started.

type World = { root: string; home: string; claudeDir: string; env: NodeJS.ProcessEnv; port: number };

async function makeWorld(): Promise<World> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-agent-'));
  const home = path.join(root, 'tandem');
  const claudeDir = path.join(root, 'claude');
  const port = await freePort();
  return { root, home, claudeDir, port, env: { PATH: process.env.PATH, HOME: root, TANDEM_HOME: home, CLAUDE_CONFIG_DIR: claudeDir, TANDEM_AGENT_IDLE_MS: '60000' } };
}

function writeSession(w: World, title: string): string {
  const id = crypto.randomUUID();
  const dir = path.join(w.claudeDir, 'projects', '-tmp-proj');
  fs.mkdirSync(dir, { recursive: true });
  const line = { type: 'user', sessionId: id, cwd: '/tmp/proj', uuid: crypto.randomUUID(), message: { role: 'user', content: title } };
  fs.writeFileSync(path.join(dir, `${id}.jsonl`), `${JSON.stringify(line)}\n`);
  return id;
}

function append(w: World, sessionId: string, text: string): void {
  fs.appendFileSync(path.join(w.claudeDir, 'projects', '-tmp-proj', `${sessionId}.jsonl`), `${JSON.stringify({ type: 'user', sessionId, message: { role: 'user', content: text } })}\n`);
}

describe('e2e: shares through the local agent', function () {
  this.timeout(60_000);
  let w: World;
  const hosts: CliProcess[] = [];
  const viewers: JoinedShare[] = [];
  const share = (sessionId: string, ...extra: string[]) => {
    const p = new CliProcess(['share', sessionId, '--prompts', 'never', '--port', String(w.port), ...extra], w.env);
    hosts.push(p);
    return p;
  };
  const join = async (link: string) => {
    const v = await joinShare(link);
    viewers.push(v);
    return v;
  };

  /** A viewer with presence, as the browser viewer has. */
  const watch = (link: string) => {
    const parsed = parseShareLink(link);
    const docs = { transcript: new Y.Doc(), queue: new Y.Doc() };
    const awareness = new Awareness(docs.transcript);
    awareness.setLocalState({ user: { name: 'watcher', role: 'observer', client: 'browser' } });
    const connection = new ShareConnection({ relayUrl: parsed.relayUrl, shareId: parsed.shareId, token: parsed.token, docs, awareness: { transcript: awareness }, socket: nodeSocketFactory });
    viewers.push({ dispose: () => connection.dispose() } as JoinedShare);
    return connection;
  };

  beforeEach(async () => {
    w = await makeWorld();
  });

  afterEach(async () => {
    viewers.splice(0).forEach((v) => v.dispose());
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
    await stopAgent(w.home, w.port);
    fs.rmSync(w.root, { recursive: true, force: true });
  });

  it('two terminals share; SIGINT and then kill -9 of the first leave the second working', async () => {
    const a = writeSession(w, 'first');
    const b = writeSession(w, 'second');
    const first = share(a);
    const linksA = await shareLinks(first);
    const second = share(b);
    const linksB = await shareLinks(second);
    assert.match(second.stdout, /your local relay on http:\/\/127\.0\.0\.1:\d+ \(agent pid \d+/);
    const viewer = await join(linksB.observer);

    first.kill('SIGINT');
    assert.equal(await first.exited, 0);
    append(w, b, 'after the first share stopped');
    await waitFor(() => readLines(viewer.docs.transcript).some((l) => l.includes('after the first share stopped')), { what: 'a line shared after the first host stopped' });

    const again = share(a);
    const linksAgain = await shareLinks(again);
    assert.equal(linksAgain.observer, linksA.observer, 'the first session comes back with the same links');
    again.kill('SIGKILL');
    await again.exited;
    append(w, b, 'after kill -9');
    await waitFor(() => readLines(viewer.docs.transcript).some((l) => l.includes('after kill -9')), { what: 'a line shared after the other host was killed' });
    assert.equal(viewer.connection.transcript.status.state, 'synced');
  });

  it('says "no session" (exit 5) for an unknown id, whatever runs on the port', async () => {
    const a = writeSession(w, 'running');
    await shareLinks(share(a));
    const r = await runCliCaptured(['share', 'deadbeef', '--port', String(w.port)], { env: w.env });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /no session deadbeef/);
  });

  it('a failed share leaves the saved record byte for byte, and says the relay is unreachable at once', async () => {
    const a = writeSession(w, 'kept');
    const host = share(a);
    await shareLinks(host);
    const record = path.join(w.home, 'shares', `${a}.json`);
    const before = fs.readFileSync(record);
    const twice = await runCliCaptured(['share', a, '--relay', 'http://127.0.0.1:9'], { env: w.env });
    assert.match(twice.stderr, /already shared from this machine by `tandem share` \(pid \d+\)/);
    host.kill('SIGINT');
    await host.exited;
    const started = Date.now();
    const r = await runCliCaptured(['share', a, '--relay', 'http://127.0.0.1:9'], { env: w.env });
    const ms = Date.now() - started;
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /could not reach the relay at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
    assert.ok(ms < 2000, `took ${ms} ms`);
    assert.ok(fs.readFileSync(record).equals(before), 'the share record changed');
    const opened = await runCliCaptured(['open', 'http://127.0.0.1:9/s/' + 'A'.repeat(43) + '#t=x'], { env: w.env });
    assert.notEqual(opened.code, 0);
  });

  it('tandem shares lists the share with viewers; unshare deletes its rooms and the old links are refused', async () => {
    const a = writeSession(w, 'to unshare');
    const host = share(a);
    const links = await shareLinks(host);
    const watcher = watch(links.observer);
    await waitFor(async () => {
      const r = await runCliCaptured(['shares', '--json'], { env: w.env });
      const s = (JSON.parse(r.stdout) as { shares: Array<{ sessionId: string; host: { running: boolean }; viewers: unknown[] }> }).shares;
      return s.length === 1 && s[0].sessionId === a && s[0].host.running && s[0].viewers.length === 1;
    }, { what: 'the share with its host running and one viewer in `tandem shares --json`' });
    const text = await runCliCaptured(['shares'], { env: w.env });
    assert.match(text.stdout, /observer +until \d{4}-\d\d-\d\d \d\d:\d\d UTC +http:\/\/127\.0\.0\.1/);
    const rooms = path.join(w.home, `relay-${w.port}`, 'rooms');
    assert.ok(fs.readdirSync(rooms).length >= 1, 'the share has rooms on disk');

    const r = await runCliCaptured(['unshare', a], { env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /rooms are deleted/);
    assert.deepEqual(fs.readdirSync(rooms), []);
    assert.equal(await host.exited, 3, 'the host stops when its share is deleted');
    const open = await runCliCaptured(['open', links.observer], { env: w.env });
    assert.equal(open.code, 3, open.stderr);
    assert.match(open.stderr, /revoked/);
    assert.ok(!fs.existsSync(path.join(w.home, 'shares', `${a}.json`)));
    await waitFor(() => watcher.status.state === 'refused', { what: "the watcher's connection to be refused" });
  });

  it('hands an impostor on the port nothing, and says so', async () => {
    const seen: string[] = [];
    const impostor = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)}`);
      req.resume();
      res.end(req.url === '/metrics' ? 'tandem_relay_connections 0\n' : '{"ok":true,"proof":"00"}');
    });
    impostor.on('upgrade', (req, socket) => {
      seen.push(`UPGRADE ${req.url} ${JSON.stringify(req.headers)}`);
      socket.destroy();
    });
    await new Promise<void>((resolve) => impostor.listen(w.port, '127.0.0.1', resolve));
    try {
      const a = writeSession(w, 'secret session');
      const r = await runCliCaptured(['share', a, '--port', String(w.port)], { env: w.env });
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /is not your Tandem relay/);
      assert.match(r.stderr, /Nothing was sent to it/);
      assert.ok(!seen.some((s) => s.startsWith('UPGRADE')), `the impostor got a websocket: ${seen.join('\n')}`);
      assert.ok(!seen.some((s) => /tandem\.|token|secret session/.test(s)), `the impostor saw a token: ${seen.join('\n')}`);
      assert.equal(await readAgentState(w.home, w.port), undefined);
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  });

  it('refuses a second relay on the data folder, naming what to do in the CLI', async () => {
    const a = writeSession(w, 'locked');
    const dataDir = path.join(w.home, `relay-${w.port}`);
    const other = new CliProcess(['relay', '--port', '0', '--data', dataDir], w.env);
    hosts.push(other);
    await other.waitForOutput(/listening/);
    const r = await runCliCaptured(['share', a, '--port', String(w.port)], { env: w.env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`another relay \\(pid ${other.child.pid}\\) is using ${dataDir}; stop it \\(\`kill ${other.child.pid}\`\\)`));
    assert.match(r.stderr, /--relay http:\/\/HOST:PORT/);
  });
});
