import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { transcriptRoom } from '../protocol/src';
import { SessionPublisher } from '../extension/src/core/sync/sessionPublisher';
import { median, percentile } from './harness/stats';
import { lineSize, seededRandom, syntheticLine, wordText, writeSyntheticTranscript } from './harness/syntheticTranscript';
import type { BenchRow } from './harness/types';

// Ingest: a seeded 100 MB transcript goes into a transcript-room document through the real
// SessionPublisher, compared with a plain read + line split of the same file measured in the same run
// (alternating, median of 5; the faster of a whole-file split and a chunked split is the peer). Then 1,000 lines are appended one by one to the live file and we time
// each write until the document's observer sees the line.

export const description = 'ingest a 100 MB transcript into the doc (vs plain read + split); append → doc latency';

const MiB = 1024 * 1024;
const SIZE = 100 * MiB;
const ROUNDS = 5;
const APPENDS = 1000;
const SESSION = '0b0b0b0b-0000-4000-8000-000000000001';
const FOLDER = '-bench-ingest';

export async function run(): Promise<BenchRow[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-ingest-'));
  try {
    const claudeDir = path.join(root, '.claude');
    const file = path.join(claudeDir, 'projects', FOLDER, `${SESSION}.jsonl`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const stats = writeSyntheticTranscript(file, { bytes: SIZE, seed: 7, sessionId: SESSION });
    process.stderr.write(`  ${(stats.bytes / MiB).toFixed(0)} MiB, ${stats.lines} lines, median ${stats.medianLine} B, ${stats.over50k} lines ≥ 50 KB, longest ${stats.maxLine} B\n`);

    const whole: number[] = [];
    const chunked: number[] = [];
    const ingest: number[] = [];
    const withUpdates: number[] = [];
    for (let i = 0; i <= ROUNDS; i++) {
      const w = await time(() => readWholeSplit(file, stats.lines));
      const c = await time(() => readChunkedSplit(file, stats.lines));
      const a = await time(() => publishOnce(claudeDir, stats.lines, false));
      const b = await time(() => publishOnce(claudeDir, stats.lines, true));
      if (i === 0) continue; // warm-up round
      whole.push(w);
      chunked.push(c);
      ingest.push(a);
      withUpdates.push(b);
    }
    globalThis.gc?.();
    const latencies = await appendLatencies(claudeDir, file, stats.lines);
    // The peer is the faster of the two plain ways of reading the lines.
    const peerMs = Math.min(median(whole), median(chunked));
    const peerName = median(whole) <= median(chunked) ? 'read + split' : 'chunked read + split';
    const mb = stats.bytes / 1e6;
    const ratio = median(ingest) / peerMs;
    const p99 = percentile(latencies, 99);
    const peerText = `${peerName} ${(peerMs / 1000).toFixed(3)} s`;
    return [
      { metric: 'ingest 100 MB into the doc', value: median(ingest) / 1000, unit: 's', peer: peerText, ratio, target: '≤ 3×', ok: ratio <= 3 },
      { metric: 'ingest throughput', value: mb / (median(ingest) / 1000), unit: 'MB/s', peer: `${(mb / (peerMs / 1000)).toFixed(0)} MB/s`, ratio: peerMs / median(ingest) },
      { metric: 'ingest + Yjs update encoding (what a provider sends)', value: median(withUpdates) / 1000, unit: 's', peer: peerText, ratio: median(withUpdates) / peerMs },
      { metric: `append → doc latency p50 (${APPENDS} lines)`, value: percentile(latencies, 50), unit: 'ms' },
      { metric: `append → doc latency p99 (${APPENDS} lines)`, value: p99, unit: 'ms', target: '≤ 10 ms', ok: p99 <= 10 },
      { metric: 'append → doc latency max', value: Math.max(...latencies), unit: 'ms' },
    ];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function time(fn: () => Promise<void> | void): Promise<number> {
  globalThis.gc?.();
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Peer 1: the plainest way to get a file's lines. */
function readWholeSplit(file: string, expected: number): void {
  const lines = fs.readFileSync(file).toString('utf8').split('\n');
  if (lines.length - 1 !== expected) throw new Error(`whole-file split found ${lines.length - 1} lines, expected ${expected}`);
}

/** Peer 2: chunked reads split on newline bytes, each line decoded (faster when some lines are not ASCII). */
function readChunkedSplit(file: string, expected: number): void {
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(4 * MiB);
  const lines: string[] = [];
  let carry: Buffer = Buffer.alloc(0);
  try {
    for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0; ) {
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let s = 0;
      for (let nl = data.indexOf(10, s); nl >= 0; nl = data.indexOf(10, s)) {
        lines.push(data.toString('utf8', s, nl));
        s = nl + 1;
      }
      carry = Buffer.from(data.subarray(s));
    }
  } finally {
    fs.closeSync(fd);
  }
  if (lines.length !== expected) throw new Error(`chunked split found ${lines.length} lines, expected ${expected}`);
}

async function publishOnce(claudeDir: string, expected: number, encodeUpdates: boolean): Promise<void> {
  const doc = new Y.Doc();
  let updateBytes = 0;
  if (encodeUpdates) doc.on('update', (u: Uint8Array) => (updateBytes += u.length));
  const publisher = new SessionPublisher({ claudeDir, projectFolder: FOLDER, sessionId: SESSION, doc });
  try {
    await publisher.start();
  } finally {
    publisher.dispose();
  }
  const n = transcriptRoom(doc).lines.length;
  if (n !== expected) throw new Error(`the doc has ${n} lines, expected ${expected}`);
  if (encodeUpdates && updateBytes < SIZE) throw new Error(`only ${updateBytes} bytes of updates for a ${SIZE}-byte file`);
  doc.destroy();
}

async function appendLatencies(claudeDir: string, file: string, existing: number): Promise<number[]> {
  const doc = new Y.Doc();
  const publisher = new SessionPublisher({ claudeDir, projectFolder: FOLDER, sessionId: SESSION, doc });
  await publisher.start();
  const lines = transcriptRoom(doc).lines;
  let waiting: { count: number; resolve: () => void } | undefined;
  lines.observe(() => {
    if (waiting && lines.length >= waiting.count) waiting.resolve();
  });
  const rnd = seededRandom(11);
  const text = wordText(rnd, 2 * MiB);
  const out: number[] = [];
  try {
    for (let i = 0; i < APPENDS; i++) {
      const line = syntheticLine(rnd, text, SESSION, existing + i, lineSize(rnd)) + '\n';
      const seen = new Promise<void>((resolve) => (waiting = { count: existing + i + 1, resolve }));
      const t0 = performance.now();
      fs.appendFileSync(file, line);
      await seen;
      out.push(performance.now() - t0);
    }
  } finally {
    publisher.dispose();
    doc.destroy();
  }
  return out;
}
