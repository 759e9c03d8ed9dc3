import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { Origin, appendLines, readLines, readMeta, roomName, setMeta } from '../../protocol/src';
import { RoomConnection } from '../../protocol/src/connector';
import { nodeSocketFactory } from '../../extension/src/core/sync/nodeSocket';
import { generateShareKeys, signToken } from '../../extension/src/core/sync/shareKeys';
import { FileStorage } from '../../relay/src/storage/fileStorage';
import { MemoryStorage } from '../../relay/src/storage/memoryStorage';
import { silentLogger } from '../../relay/src/logger';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture } from './helpers/relayFixture';
import { closeCode, roomUrl, tryUpgrade } from './helpers/rawClient';
import { exited, freePort, spawnRelay } from './helpers/relayProcess';

describe('relay: persistence', function () {
  this.timeout(60_000);
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  function hostConnection(relayUrl: string, keys: ReturnType<typeof generateShareKeys>, doc: Y.Doc) {
    const token = signToken(keys, { role: 'host', ttlSeconds: 3600 }).token;
    const conn = new RoomConnection({ relayUrl, shareId: keys.shareId, room: 'transcript', token, doc, socket: nodeSocketFactory, refusalCheck: null, backoff: { initialMs: 50, maxMs: 500 } });
    f.onDispose(() => conn.dispose());
    return conn;
  }

  it('kill -9 while a host is writing loses nothing that was acknowledged or forwarded', async () => {
    const dataDir = f.tempDir();
    const first = await spawnRelay(['--port', '0', '--data', dataDir]);
    f.onDispose(() => first.child.kill('SIGKILL'));
    const keys = generateShareKeys();
    const hostDoc = new Y.Doc();
    const host = hostConnection(first.url, keys, hostDoc);
    await host.whenSynced();
    const viewer = f.stockClientAt(first.url, keys, 'transcript', signToken(keys, { role: 'observer', ttlSeconds: 3600 }).token);
    await f.synced(viewer.provider);

    let acked = 0;
    let written = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        appendLines(hostDoc, [JSON.stringify({ n: written++, pad: 'x'.repeat(200) })], Origin.tail);
        if (written % 25 === 0) {
          const upTo = written;
          void host.flush().then(() => (acked = Math.max(acked, upTo)));
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    await waitFor(() => acked >= 500, { timeoutMs: 20_000, what: '500 acknowledged lines' });
    first.child.kill('SIGKILL');
    await exited(first.child);
    writing = false;
    await writer;
    const seen = readLines(viewer.doc).length;
    const ackedAtKill = acked;

    const second = await spawnRelay(['--port', '0', '--data', dataDir]);
    f.onDispose(() => second.child.kill('SIGKILL'));
    const fresh = f.stockClientAt(second.url, keys, 'transcript', signToken(keys, { role: 'observer', ttlSeconds: 3600 }).token);
    await f.synced(fresh.provider);
    const recovered = readLines(fresh.doc);
    assert.ok(recovered.length >= Math.max(seen, ackedAtKill), `recovered ${recovered.length} lines; the viewer had seen ${seen}, ${ackedAtKill} were acknowledged`);
    assert.deepEqual(recovered, readLines(hostDoc).slice(0, recovered.length), 'what was recovered is an exact prefix of what the host wrote');
  });

  it('SIGTERM flushes, closes clients with 1012, and clients come back to a restarted relay', async () => {
    const dataDir = f.tempDir();
    const port = await freePort();
    const first = await spawnRelay(['--port', String(port), '--data', dataDir]);
    f.onDispose(() => first.child.kill('SIGKILL'));
    const keys = generateShareKeys();
    const hostDoc = new Y.Doc();
    const host = hostConnection(first.url, keys, hostDoc);
    await host.whenSynced();
    const viewerToken = signToken(keys, { role: 'observer', ttlSeconds: 3600 }).token;
    const stock = f.stockClientAt(first.url, keys, 'transcript', viewerToken);
    await f.synced(stock.provider);
    const raw = await tryUpgrade(roomUrl(first.url, keys.shareId, 'transcript'), { protocols: [`tandem.${viewerToken}`] });
    if (!raw.opened) throw new Error('the raw viewer should connect');
    const rawClosed = closeCode(raw.ws);

    appendLines(hostDoc, ['last line before the restart'], Origin.tail);
    first.child.kill('SIGTERM');
    assert.deepEqual(await rawClosed, { code: 1012, reason: 'the relay is restarting; reconnect' });
    assert.equal((await exited(first.child)).code, 0);

    const second = await spawnRelay(['--port', String(port), '--data', dataDir]);
    f.onDispose(() => second.child.kill('SIGKILL'));
    await waitFor(() => stock.provider.synced && readLines(stock.doc).length === 1, { timeoutMs: 10_000, what: 'the stock client to come back' });
    await waitFor(() => host.status.state === 'synced', { timeoutMs: 10_000, what: 'the connector to come back' });
    appendLines(hostDoc, ['after the restart'], Origin.tail);
    await waitFor(() => readLines(stock.doc).length === 2, { what: 'a line written after the restart' });
  });

  it('cuts a torn tail, and keeps a copy of a log with a corrupt record', async () => {
    const dir = f.tempDir();
    const key = roomName(generateShareKeys().shareId, 'transcript');
    const doc = new Y.Doc();
    const storage = await FileStorage.open(dir, silentLogger);
    await storage.load(key);
    for (const line of ['a', 'b', 'c']) {
      const before = Y.encodeStateVector(doc);
      appendLines(doc, [line], Origin.fixture);
      await storage.append(key, Y.encodeStateAsUpdate(doc, before));
    }
    await storage.close();
    const file = fs.readdirSync(path.join(dir, 'rooms')).map((n) => path.join(dir, 'rooms', n))[0];
    const good = fs.statSync(file).size;
    fs.appendFileSync(file, Buffer.from([200, 0, 0, 0, 1, 2, 3])); // a record header promising 200 bytes, then a crash

    const reopened = await FileStorage.open(dir, silentLogger);
    const loaded = await reopened.load(key);
    assert.equal(loaded.updates.length, 3);
    assert.equal(fs.statSync(file).size, good, 'the torn tail is cut');
    assert.equal(loaded.corruptBytes, 0, 'a torn tail is no corruption');
    assert.ok(!fs.readdirSync(path.join(dir, 'rooms')).some((n) => n.includes('.corrupt-')), 'no copy is kept of a torn tail');
    await reopened.close();

    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff; // flip a bit inside the last record
    fs.writeFileSync(file, bytes);
    const logs: string[] = [];
    const third = await FileStorage.open(dir, { ...silentLogger, error: (msg) => logs.push(msg) });
    assert.equal((await third.load(key)).updates.length, 2);
    assert.ok(fs.readdirSync(path.join(dir, 'rooms')).some((n) => n.includes('.corrupt-')), 'a copy of the corrupt log is kept');
    assert.match(logs[0], /corrupt record/);
    await third.close();
  });

  it('recovers the records after a bad length mid-file, keeps a copy, logs an error and counts it', async () => {
    const dataDir = f.tempDir();
    const keys = f.share();
    const key = roomName(keys.shareId, 'transcript');
    const storage = await FileStorage.open(dataDir, silentLogger);
    await storage.load(key);
    const offsets: number[] = [];
    // One writer per record, so each record applies on its own (as prompts from different prompters do).
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      offsets.push(storage.storedBytes(key));
      const doc = new Y.Doc();
      doc.getMap('written').set(name, true);
      await storage.append(key, Y.encodeStateAsUpdate(doc));
    }
    await storage.close();
    const file = path.join(dataDir, 'rooms', fs.readdirSync(path.join(dataDir, 'rooms'))[0]);
    const original = fs.readFileSync(file);
    const damaged = Buffer.from(original);
    damaged.writeUInt32LE(0x7fff_0000, offsets[1]); // record "b" now claims a length past the end of the file
    fs.writeFileSync(file, damaged);

    await f.start({ dataDir });
    const viewer = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await f.synced(viewer.provider);
    assert.deepEqual([...viewer.doc.getMap('written').keys()].sort(), ['a', 'c', 'd', 'e'], 'the records after the damaged one are recovered');
    const copies = fs.readdirSync(path.join(dataDir, 'rooms')).filter((n) => n.includes('.corrupt-'));
    assert.equal(copies.length, 1, 'a copy of the damaged log is kept');
    assert.deepEqual(fs.readFileSync(path.join(dataDir, 'rooms', copies[0])), damaged);
    assert.equal(f.relay.metrics.corruptLogs.get(), 1);
    assert.ok(f.logs.some((l) => l.level === 'error' && /corrupt records/.test(l.msg)), 'logged at error level');
    assert.ok(fs.statSync(file).size < original.length, 'the log was rewritten with the intact records');
    await f.relay.close();
    const again = await FileStorage.open(dataDir, silentLogger);
    await again.remove(key);
    await again.close();
    assert.deepEqual(fs.readdirSync(path.join(dataDir, 'rooms')), [], 'removing the room removes the kept copy too');
  });

  it('keeps its data folder 0700 and files 0600 whatever the umask, and tightens an existing install', async () => {
    const umask = process.umask(0o022);
    try {
      const dataDir = f.tempDir();
      fs.chmodSync(dataDir, 0o755);
      fs.mkdirSync(path.join(dataDir, 'rooms'), { mode: 0o755 });
      const older = path.join(dataDir, 'rooms', 'from-an-older-relay.transcript.log');
      fs.writeFileSync(older, '', { mode: 0o644 });
      await f.start({ dataDir, limits: { compactMinBytes: 4096, compactFactor: 2 } });
      const keys = f.share();
      const hostDoc = new Y.Doc();
      const host = hostConnection(f.relay.url, keys, hostDoc);
      await host.whenSynced();
      for (let i = 0; i < 100; i++) setMeta(hostDoc, { title: `${i} ${'t'.repeat(200)}` }, Origin.tail);
      await host.flush();
      await waitFor(() => f.relay.metrics.compactions.get() >= 1, { what: 'a compaction (a rewritten log)' });
      const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);
      for (const folder of [dataDir, path.join(dataDir, 'rooms'), path.join(dataDir, 'revocations')]) assert.equal(mode(folder), '700', folder);
      const files = [path.join(dataDir, 'relay.lock'), ...fs.readdirSync(path.join(dataDir, 'rooms')).map((n) => path.join(dataDir, 'rooms', n))];
      assert.equal(files.length, 3);
      for (const file of files) assert.equal(mode(file), '600', file);
    } finally {
      process.umask(umask);
    }
  });

  it('compacts a room log by bytes, and the compacted room reloads identically', async () => {
    const dataDir = f.tempDir();
    await f.start({ dataDir, limits: { compactMinBytes: 64 * 1024, compactFactor: 2 } });
    const keys = f.share();
    const hostDoc = new Y.Doc();
    const host = hostConnection(f.relay.url, keys, hostDoc);
    await host.whenSynced();
    // 2,000 overwrites of the session title: ~500 KB of log records for a document of a few hundred bytes.
    for (let i = 0; i < 2000; i++) {
      setMeta(hostDoc, { title: `${i} ${'t'.repeat(200)}`, updatedAt: i }, Origin.tail);
      if (i % 100 === 0) await host.flush();
    }
    appendLines(hostDoc, ['{"type":"user"}'], Origin.tail);
    await host.flush();
    await waitFor(() => f.relay.metrics.compactions.get() >= 2, { what: 'compactions' });
    const logFile = path.join(dataDir, 'rooms', fs.readdirSync(path.join(dataDir, 'rooms'))[0]);
    await f.relay.close();
    assert.ok(fs.statSync(logFile).size < 128 * 1024, `the log stays bounded by the compaction rule (${fs.statSync(logFile).size} bytes)`);
    await f.start({ dataDir });
    const viewer = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await f.synced(viewer.provider);
    assert.deepEqual(readMeta(viewer.doc), readMeta(hostDoc));
    assert.deepEqual(readLines(viewer.doc), ['{"type":"user"}']);
  });

  it('surfaces a storage failure: nothing unstored is forwarded, writers are told to retry, the error is logged and counted', async () => {
    const storage = new MemoryStorage();
    let failing = false;
    const append = storage.append.bind(storage);
    storage.append = (key, update) => (failing ? Promise.reject(new Error('ENOSPC: no space left on device')) : append(key, update));
    await f.start({ storage });
    const keys = f.share();
    const hostToken = f.token(keys, 'host');
    const host = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'transcript'), { protocols: [`tandem.${hostToken}`] });
    if (!host.opened) throw new Error('host should connect');
    const viewer = f.stockClient(keys, 'transcript', f.token(keys, 'observer'));
    await f.synced(viewer.provider);
    const hostClosed = closeCode(host.ws);
    const doc = new Y.Doc();
    appendLines(doc, ['lost'], Origin.fixture);
    failing = true;
    host.ws.send(Buffer.concat([Buffer.from([0, 2]), encodeVarBytes(Y.encodeStateAsUpdate(doc))]));
    const closed = await hostClosed;
    assert.equal(closed.code, 1013);
    assert.match(closed.reason, /could not store/);
    assert.equal(readLines(viewer.doc).length, 0, 'the unstored update never reached the viewer');
    assert.equal(f.relay.metrics.storageErrors.get({ op: 'write' }), 1);
    assert.ok(f.logs.some((l) => l.level === 'error' && /room storage failed/.test(l.msg) && /ENOSPC/.test(String(l.error))));
  });
});

function encodeVarBytes(bytes: Uint8Array): Buffer {
  const len: number[] = [];
  let n = bytes.length;
  while (n > 127) {
    len.push((n & 127) | 128);
    n >>>= 7;
  }
  len.push(n);
  return Buffer.concat([Buffer.from(len), Buffer.from(bytes)]);
}
