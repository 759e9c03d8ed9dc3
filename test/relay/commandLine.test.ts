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
