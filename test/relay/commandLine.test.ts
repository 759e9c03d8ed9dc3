import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import WebSocket from 'ws';
import { runCli } from '../../extension/src/cli/cli';
import { waitFor } from '../helpers/waitFor';
import { resolveRelayOptions } from '../../relay/src/commandLine';
import { startRelay } from '../../relay/src/startRelay';
import { RelayFixture } from './helpers/relayFixture';
import { roomUrl } from './helpers/rawClient';

describe('relay: command line', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());
  const noLog = () => undefined;

  it('reads flags over environment variables, and says what is wrong with bad ones', () => {
    const opts = resolveRelayOptions({ port: '9000', 'allow-origin': ['https://a.example'] }, { TANDEM_RELAY_PORT: '1', TANDEM_RELAY_HOST: '0.0.0.0', TANDEM_RELAY_DATA: '/tmp/x', TANDEM_RELAY_ACCESS_KEY: 'k' }, noLog);
    assert.equal(opts.port, 9000);
    assert.equal(opts.host, '0.0.0.0');
    assert.equal(opts.dataDir, path.resolve('/tmp/x'));
    assert.equal(opts.accessKey, 'k');
    assert.deepEqual(opts.allowedOrigins, ['vscode-webview://*', 'https://a.example']);
    assert.equal(resolveRelayOptions({ memory: true }, { TANDEM_RELAY_DATA: '/tmp/x' }, noLog).dataDir, undefined);
    assert.throws(() => resolveRelayOptions({ port: 'eighty' }, {}, noLog), /--port must be a number/);
    assert.throws(() => resolveRelayOptions({ 'tls-cert': 'c.pem' }, {}, noLog), /go together/);
    assert.throws(() => resolveRelayOptions({ 'tls-cert': '/nope/c.pem', 'tls-key': '/nope/k.pem' }, {}, noLog), /cannot read --tls-cert/);
    assert.throws(() => resolveRelayOptions({ 'public-url': 'relay.example' }, {}, noLog), /--public-url must be an http\(s\) URL/);
    assert.equal(resolveRelayOptions({ 'public-url': 'https://relay.example' }, {}, noLog).publicUrl, 'https://relay.example');
    assert.equal(resolveRelayOptions({}, { TANDEM_RELAY_QUEUE_QUOTA: '2MiB' }, noLog).limits?.queueQuotaBytes, 2 * 1024 * 1024);
  });

  it('`tandem relay` runs until interrupted, then stops cleanly', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.resume();
    let stop!: () => void;
    const interrupted = new Promise<void>((resolve) => (stop = resolve));
    const exit = runCli(['relay', '--port', '0', '--memory'], { stdout, stderr, stdin: new PassThrough(), env: {}, interrupted });
    const url = (await waitFor(() => /listening on (http\S+)/.exec(out)?.[1], { what: 'the listening line' })) as string;
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.match(out, /rooms in memory only/);
    stop();
    assert.equal(await exit, 0);
    await assert.rejects(fetch(`${url}/healthz`), 'the relay stopped listening');
  });

  it('refuses to listen beyond loopback without an access key unless told anyone may share, and says what to pass', async () => {
    const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (d: Buffer) => (out += d.toString()));
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      let stop!: () => void;
      const interrupted = new Promise<void>((resolve) => (stop = resolve));
      const exit = runCli(['relay', '--port', '0', '--memory', ...args], { stdout, stderr, stdin: new PassThrough(), env, interrupted });
      const listening = await Promise.race([exit.then(() => null), waitFor(() => /listening on (http\S+)/.exec(out)?.[1])]);
      stop();
      return { code: await exit, listening, err };
    };
    for (const host of ['0.0.0.0', '::']) {
      const refused = await run(['--host', host]);
      assert.equal(refused.listening, null, `no relay on ${host}`);
      assert.notEqual(refused.code, 0);
      assert.match(refused.err, new RegExp(`listen on ${host.replace(/[.:]/g, '\\$&')} with no access key.*--access-key KEY.*--allow-anyone-to-share`));
    }
    const open = await run(['--host', '0.0.0.0', '--allow-anyone-to-share']);
    assert.ok(open.listening, 'an explicit --allow-anyone-to-share starts it');
    assert.equal(open.code, 0);
    assert.ok((await run(['--host', '0.0.0.0'], { TANDEM_RELAY_ACCESS_KEY: 'k' })).listening, 'an access key starts it');
    assert.ok((await run(['--host', '127.0.0.2'])).listening, 'any loopback address needs neither');
  });

  it('serves wss with --tls-cert/--tls-key', async function () {
    const dir = f.tempDir();
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    if (made.status !== 0) this.skip(); // no openssl on this machine
    const relay = await startRelay({ ...resolveRelayOptions({ 'tls-cert': cert, 'tls-key': key, port: '0', memory: true }, {}, noLog), log: f.log });
    f.onDispose(() => relay.close());
    assert.match(relay.url, /^https:/);
    const keys = f.share();
    const ws = new WebSocket(roomUrl(relay.url, keys.shareId, 'transcript'), [`tandem.${f.token(keys, 'observer')}`], { ca: fs.readFileSync(cert) });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    assert.ok(roomUrl(relay.url, keys.shareId, 'transcript').startsWith('wss://'));
    ws.close();
  });
});
