import crypto from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebsocketProvider } from 'y-websocket';
import { Origin, appendLines, readLines, roomName, websocketBase } from '../../protocol/src';
import { RoomConnection } from '../../protocol/src/connector';
import { nodeSocketFactory } from '../../extension/src/core/sync/nodeSocket';
import { generateShareKeys, signToken, type ShareKeys } from '../../extension/src/core/sync/shareKeys';
import { percentile } from '../harness/stats';
import { processCpuMs, processRssMb } from './procStats';
import { lineSize, seededRandom, syntheticLine, wordText } from '../harness/syntheticTranscript';

// The load generator, run pinned to its own core. Writers are `ws` clients; fan-out viewers are bare TCP
// sockets that do the websocket handshake and then only scan the byte stream for the `"seq":N` marker
// (server frames are unmasked and updates carry strings as UTF-8), so the generator spends little per
// delivery and the relay is what saturates. Real y-websocket clients are used where a result must be
// checked. It prints one JSON result on stdout.
//   fanout: N rooms × M viewers, one writer per room appending transcript-like lines on a fixed
//           schedule; latency is measured from the intended send time (open loop)
//   join:   a 50 MB document is pushed, then one stock client joins, then K raw joiners at once

/** `viewerUrls`: spread each room's viewers over these relay nodes (default: all on `url`, where writers are); `otherPids`: more relay-system processes whose CPU and RSS count too (other nodes, Redis); `hocuspocus`: speak Hocuspocus's framing (a document name before every message, an auth message first) to a Hocuspocus server. */
export type FanoutConfig = { kind: 'fanout'; url: string; viewerUrls?: string[]; hocuspocus?: boolean; relayPid: number; otherPids?: number[]; rooms: number; viewers: number; steps: { rate: number; seconds: number }[]; firstWarmupSeconds: number; warmupSeconds: number; stopAboveP99Ms: number };
export type JoinConfig = { kind: 'join'; url: string; ours: boolean; docBytes: number; joiners: number };
export type StepResult = { rate: number; sent: number; expected: number; delivered: number; p50: number; p99: number; max: number; generatorDelayP99: number; relayCpuPercent: number; relayCpuMs: number; relayRssMb: number };
export type FanoutResult = { steps: StepResult[] };
export type JoinResult = { pushMs: number; docBytes: number; lines: number; singleJoinMs: number; stormMs: number[]; stormFailures: number };

const SEQ = Buffer.from('"seq":');

function roomUrl(cfg: { url: string }, keys: ShareKeys, token: string): string {
  return `${websocketBase(cfg.url)}/${roomName(keys.shareId, 'transcript')}?token=${token}`;
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function updateMessage(update: Uint8Array): Buffer {
  const len: number[] = [];
  let n = update.length;
  while (n > 127) {
    len.push((n & 127) | 128);
    n >>>= 7;
  }
  len.push(n);
  return Buffer.concat([Buffer.from([0, 2, ...len]), update]);
}

async function fanout(cfg: FanoutConfig): Promise<FanoutResult> {
  const rnd = seededRandom(11);
  const text = wordText(rnd, 200_000);
  const rooms = await Promise.all(
    Array.from({ length: cfg.rooms }, async (_, r) => {
      const keys = generateShareKeys();
      const host = signToken(keys, { role: 'host', ttlSeconds: 3600 }).token;
      const observer = signToken(keys, { role: 'observer', ttlSeconds: 3600 }).token;
      const nodes = cfg.viewerUrls ?? [cfg.url];
      const hp = cfg.hocuspocus ? hocuspocusFraming(`room-${r}`) : null;
      const writer = await open(hp ? websocketBase(cfg.url) : roomUrl(cfg, keys, host));
      if (hp) hp.hello.forEach((m) => writer.send(m));
      const viewers = await Promise.all(
        Array.from({ length: cfg.viewers }, (_, v) => rawViewer(hp ? websocketBase(nodes[v % nodes.length]) : roomUrl({ url: nodes[v % nodes.length] }, keys, observer), hp?.hello)),
      );
      return { r, keys, writer, viewers, doc: new Y.Doc(), seq: 0, frame: hp ? hp.frame : (m: Buffer) => m };
    }),
  );
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const results: StepResult[] = [];
  for (const step of cfg.steps) {
    // The first step warms the relay up longer (JIT, heap growth); a step the relay could not keep
    // up with ends the ladder, as higher rates would only pile onto its backlog.
    const warmupSeconds = results.length === 0 ? cfg.firstWarmupSeconds : cfg.warmupSeconds;
    if (results.length > 0 && results[results.length - 1].p99 > cfg.stopAboveP99Ms) break;
    // Precompute every update of the step (generation cost stays out of the measured path).
    const perRoom = Math.round(step.rate * (warmupSeconds + step.seconds));
    const warmup = Math.round(step.rate * warmupSeconds);
    const plan = rooms.map((room) => {
      const out: { seq: number; message: Buffer }[] = [];
      const capture = (update: Uint8Array) => (out[out.length - 1].message = room.frame(updateMessage(update)));
      room.doc.on('update', capture);
      for (let i = 0; i < perRoom; i++) {
        const seq = room.seq++;
        out.push({ seq, message: Buffer.alloc(0) });
        const line = syntheticLine(rnd, text, 's', seq, Math.min(4000, lineSize(rnd))).replace(/^\{/, `{"seq":${seq},`);
        appendLines(room.doc, [line], Origin.tail);
      }
      room.doc.off('update', capture);
      return out;
    });
    // Intended send times by room and seq, latencies in a preallocated array: the generator allocates
    // nothing per delivery, so its own GC pauses stay out of the relay's latencies.
    const firstSeq = plan.map((list) => list[0]?.seq ?? 0);
    const intended = plan.map((list) => new Float64Array(list.length).fill(NaN));
    const latencies = new Float64Array(plan.reduce((n, list) => n + list.length, 0) * cfg.viewers);
    let delivered = 0;
    for (const room of rooms) {
      const due = intended[room.r];
      const base = firstSeq[room.r];
      for (const v of room.viewers) {
        v.onSeq = (seq) => {
          const t0 = due[seq - base];
          if (t0 !== t0 || t0 === undefined) return; // warm-up or another step
          latencies[delivered++] = performance.now() - t0;
        };
      }
    }
    const pids = [cfg.relayPid, ...(cfg.otherPids ?? [])];
    const systemCpuMs = () => pids.reduce((n, pid) => n + processCpuMs(pid), 0);
    const cpu0 = systemCpuMs();
    const start = performance.now() + 50;
    const interval = 1000 / step.rate;
    const next = rooms.map(() => 0);
    let sentMeasured = 0;
    loop.reset();
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        let done = true;
        for (const room of rooms) {
          const list = plan[room.r];
          while (next[room.r] < list.length) {
            const i = next[room.r];
            const due = start + i * interval + (room.r * interval) / rooms.length;
            if (due > now) break;
            if (i >= warmup) {
              intended[room.r][i] = due;
              sentMeasured++;
            }
            room.writer.send(list[i].message);
            next[room.r]++;
          }
          if (next[room.r] < list.length) done = false;
        }
        if (done) resolve();
        else setTimeout(tick, 1);
      };
      tick();
    });
    const relayCpuPercent = (100 * (systemCpuMs() - cpu0)) / (performance.now() - start);
    const expected = sentMeasured * cfg.viewers;
    const deadline = performance.now() + 3000;
    while (delivered < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const room of rooms) for (const v of room.viewers) v.onSeq = () => undefined;
    const measured = Array.from(latencies.subarray(0, delivered));
    results.push({
      rate: step.rate,
      sent: sentMeasured,
      expected,
      delivered,
      p50: percentile(measured, 50),
      p99: percentile(measured, 99),
      max: percentile(measured, 100),
      generatorDelayP99: loop.percentile(99) / 1e6,
      relayCpuPercent,
      relayCpuMs: systemCpuMs() - cpu0,
      relayRssMb: pids.reduce((n, pid) => n + processRssMb(pid), 0),
    });
  }
  for (const room of rooms) {
    room.writer.terminate();
    room.viewers.forEach((v) => v.socket.destroy());
  }
  return { steps: results };
}

/** A websocket client without a websocket library: the handshake, then raw bytes to `onData`. */
function rawSocket(url: string, onData: (bytes: Buffer) => void): Promise<net.Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname);
    let head: Buffer | null = Buffer.alloc(0);
    socket.setNoDelay(true);
    socket.once('error', reject);
    socket.on('connect', () =>
      socket.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      if (!head) return onData(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!head.subarray(0, 12).toString().includes(' 101')) return reject(new Error(`upgrade refused: ${head.subarray(0, end).toString()}`));
      const rest = head.subarray(end + 4);
      head = null;
      resolve(socket);
      // after the caller has the socket (its await resumes first): a ping may come right behind the handshake
      if (rest.length) queueMicrotask(() => onData(rest));
    });
  });
}

type RawViewer = { socket: net.Socket; onSeq: (seq: number) => void };

/** Walks server frames (unmasked) without copying payloads: `onPiece` gets each payload piece with
 *  the frame's opcode and whether it is the frame's first and last piece. */
function frameReader(onPiece: (opcode: number, piece: Buffer, first: boolean, last: boolean) => void): (chunk: Buffer) => void {
  const header = Buffer.alloc(10); // a frame header split across chunks is gathered here
  let have = 0;
  let remaining = 0;
  let opcode = 0;
  let first = true;
  const EMPTY = Buffer.alloc(0);
  const headerSize = (second: number) => ((second & 127) === 126 ? 4 : (second & 127) === 127 ? 10 : 2);
  return (chunk) => {
    let at = 0;
    while (at < chunk.length) {
      if (remaining > 0) {
        const take = Math.min(remaining, chunk.length - at);
        remaining -= take;
        onPiece(opcode, chunk.subarray(at, at + take), first, remaining === 0);
        first = false;
        at += take;
        continue;
      }
      let h: Buffer;
      let hAt: number;
      if (have === 0 && chunk.length - at >= 2 && chunk.length - at >= headerSize(chunk[at + 1])) {
        h = chunk; // the whole header is in this chunk: read it in place
        hAt = at;
        at += headerSize(chunk[at + 1]);
      } else {
        header[have++] = chunk[at++];
        if (have < 2 || have < headerSize(header[1])) continue;
        h = header;
        hAt = 0;
        have = 0;
      }
      const len7 = h[hAt + 1] & 127;
      opcode = h[hAt] & 15;
      remaining = len7 === 126 ? h.readUInt16BE(hAt + 2) : len7 === 127 ? Number(h.readBigUInt64BE(hAt + 2)) : len7;
      first = true;
      if (remaining === 0) onPiece(opcode, EMPTY, true, true);
    }
  };
}

/** A masked client frame, as every client must send. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = crypto.randomBytes(4);
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, payload.map((b, i) => b ^ mask[i % 4])]);
}

/** Answers pings like any client (servers drop sockets that do not). */
function answerPings(socket: () => net.Socket): (opcode: number, piece: Buffer, first: boolean, last: boolean) => boolean {
  let ping: Buffer[] = [];
  return (opcode, piece, first, last) => {
    if (opcode !== 9) return false;
    if (first) ping = [];
    ping.push(piece);
    if (last) socket().write(clientFrame(10, Buffer.concat(ping)));
    return true;
  };
}

/** A fan-out viewer: scans binary frames for `"seq":N,` and reports each seq once, in order (a resync
 *  may resend lines the viewer already has). */
/** Hocuspocus puts the document name before every message and wants an auth message first. */
function hocuspocusFraming(documentName: string): { hello: Buffer[]; frame(message: Buffer): Buffer } {
  const name = Buffer.from(documentName);
  if (name.length > 127) throw new Error('document names here stay under 128 bytes (one length byte)');
  const prefix = Buffer.concat([Buffer.from([name.length]), name]);
  const token = Buffer.from('bench');
  // auth (2), token (0), "bench"; then SyncStep1 with an empty state vector, as a provider sends
  const hello = [Buffer.concat([prefix, Buffer.from([2, 0, token.length]), token]), Buffer.concat([prefix, Buffer.from([0, 0, 1, 0])])];
  return { hello, frame: (message) => Buffer.concat([prefix, message]) };
}

async function rawViewer(url: string, hello: Buffer[] = []): Promise<RawViewer> {
  let carry: Buffer = Buffer.alloc(0);
  let last = -1;
  const viewer: RawViewer = { socket: null as unknown as net.Socket, onSeq: () => undefined };
  const pong = answerPings(() => viewer.socket);
  viewer.socket = await rawSocket(
    url,
    frameReader((opcode, piece, first, end) => {
      if (pong(opcode, piece, first, end) || opcode !== 2) return;
      const buf = first ? piece : Buffer.concat([carry, piece]);
      let keepFrom = Math.max(0, buf.length - 24);
      for (let at = buf.indexOf(SEQ); at >= 0; at = buf.indexOf(SEQ, at + 1)) {
        let i = at + SEQ.length;
        let seq = 0;
        for (; i < buf.length && buf[i] >= 48 && buf[i] <= 57; i++) seq = seq * 10 + buf[i] - 48;
        if (i >= buf.length) break; // the digits may go on in the next piece
        if (seq > last) {
          last = seq;
          viewer.onSeq(seq);
        }
        keepFrom = Math.max(keepFrom, i);
      }
      carry = Buffer.from(buf.subarray(keepFrom));
    }),
  );
  for (const m of hello) viewer.socket.write(clientFrame(2, m));
  return viewer;
}

async function join(cfg: JoinConfig): Promise<JoinResult> {
  const rnd = seededRandom(5);
  const text = wordText(rnd, 1_000_000);
  const lines: string[] = [];
  let bytes = 0;
  while (bytes < cfg.docBytes) {
    const line = syntheticLine(rnd, text, 's', lines.length, lineSize(rnd));
    lines.push(line);
    bytes += line.length + 1;
  }
  const doc = new Y.Doc();
  appendLines(doc, lines, Origin.fixture);
  const docBytes = Y.encodeStateAsUpdate(doc).length;
  const keys = generateShareKeys();
  const host = signToken(keys, { role: 'host', ttlSeconds: 3600 }).token;
  const observer = signToken(keys, { role: 'observer', ttlSeconds: 3600 }).token;
  const t0 = performance.now();
  const disposers: Array<() => void> = [];
  if (cfg.ours) {
    const conn = new RoomConnection({ relayUrl: cfg.url, shareId: keys.shareId, room: 'transcript', token: host, doc, socket: nodeSocketFactory });
    await conn.whenSynced();
    await conn.flush();
    disposers.push(() => conn.dispose());
  } else {
    const p = stockProvider(cfg, keys, host, doc);
    disposers.push(() => p.destroy());
  }
  // The push is complete when a probe client receives the whole document.
  await stockJoin(cfg, keys, observer, lines.length);
  const pushMs = performance.now() - t0;
  const s0 = performance.now();
  await stockJoin(cfg, keys, observer, lines.length);
  const singleJoinMs = performance.now() - s0;

  const stormMs: number[] = [];
  let stormFailures = 0;
  const storm0 = performance.now();
  await Promise.all(
    Array.from({ length: cfg.joiners }, async () => {
      try {
        await rawJoin(roomUrl(cfg, keys, observer));
        stormMs.push(performance.now() - storm0);
      } catch {
        stormFailures++;
      }
    }),
  );
  disposers.forEach((d) => d());
  return { pushMs, docBytes, lines: lines.length, singleJoinMs, stormMs, stormFailures };
}

function stockProvider(cfg: JoinConfig, keys: ShareKeys, token: string, doc: Y.Doc): WebsocketProvider {
  return new WebsocketProvider(websocketBase(cfg.url), roomName(keys.shareId, 'transcript'), doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    disableBc: true,
  });
}

/** A real y-websocket client joins and applies the whole document. */
async function stockJoin(cfg: JoinConfig, keys: ShareKeys, token: string, lineCount: number): Promise<void> {
  const doc = new Y.Doc();
  const p = stockProvider(cfg, keys, token, doc);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('join timed out')), 120_000);
      const check = () => {
        if (p.synced && readLines(doc).length >= lineCount) {
          clearTimeout(timer);
          resolve();
        }
      };
      p.on('sync', check);
      doc.on('update', check);
    });
  } finally {
    p.destroy();
    doc.destroy();
  }
}

/** A raw joiner: sends SyncStep1 with an empty state vector and walks the frames it gets back without
 *  copying payloads, until a complete SyncStep2 frame (payload starting 0x00 0x01) has arrived. */
async function rawJoin(url: string): Promise<void> {
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let kind: number[] = [];
  let socket: net.Socket | null = null;
  const pong = answerPings(() => socket as net.Socket);
  socket = await rawSocket(
    url,
    frameReader((opcode, piece, first, last) => {
      if (pong(opcode, piece, first, last)) return;
      if (first) kind = [];
      for (let k = 0; kind.length < 2 && k < piece.length; k++) kind.push(piece[k]);
      if (last && kind[0] === 0 && kind[1] === 1) done();
    }),
  );
  socket.write(clientFrame(2, Buffer.from([0, 0, 1, 0]))); // sync, step 1, an empty state vector
  const timer = setTimeout(() => socket?.destroy(new Error('join timed out')), 120_000);
  try {
    await Promise.race([finished, new Promise((_, reject) => socket?.once('close', () => reject(new Error('closed'))))]);
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2]) as FanoutConfig | JoinConfig;
  const result = cfg.kind === 'fanout' ? await fanout(cfg) : await join(cfg);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

void main();
