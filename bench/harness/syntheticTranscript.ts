import fs from 'node:fs';

// A seeded, realistic Claude Code transcript of a given size, for benches: user/assistant lines with
// the real envelope, a line-size mix like the surveyed data (transcript-format.md §13: median ~1 KB,
// a tail of 50–400 KB tool results, a few lines of several MB), some non-ASCII text.

export type SyntheticOptions = {
  bytes: number;
  seed?: number;
  sessionId?: string;
  /** lines of several MB, spread through the file */
  hugeLines?: number;
};

export type SyntheticStats = { bytes: number; lines: number; medianLine: number; maxLine: number; over50k: number };

const WORDS = 'the a to of and in is it that for on with as this was be by are not or from at function const return value error file test line data type import export async await session transcript relay 中文 été 🙂'.split(' ');

/** mulberry32: small, fast and good enough for test data */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One transcript line of about `size` bytes (a user prompt, an assistant reply or a tool result). */
export function syntheticLine(rnd: () => number, text: string, sessionId: string, index: number, size: number): string {
  const start = Math.floor(rnd() * (text.length - size - 1));
  const body = text.slice(Math.max(0, start), Math.max(0, start) + Math.max(16, size - 420));
  const envelope = {
    parentUuid: `p-${index - 1}`,
    isSidechain: false,
    userType: 'external',
    cwd: '/home/dev/project',
    sessionId,
    version: '2.1.97',
    gitBranch: 'main',
  };
  const stamp = { uuid: `u-${index}`, timestamp: new Date(1_767_000_000_000 + index * 1000).toISOString() };
  if (size > 8000) {
    return JSON.stringify({ ...envelope, type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${index}`, content: body }] }, ...stamp });
  }
  if (rnd() < 0.4) return JSON.stringify({ ...envelope, type: 'user', message: { role: 'user', content: body }, ...stamp });
  return JSON.stringify({ ...envelope, type: 'assistant', message: { id: `msg_${index}`, role: 'assistant', model: 'claude-sonnet', content: [{ type: 'text', text: body }] }, requestId: `req_${index}`, ...stamp });
}

/** A line size drawn from the mix: lognormal around 1 KB, 0.4 % tool results of 50–400 KB. */
export function lineSize(rnd: () => number): number {
  if (rnd() < 0.004) return 50_000 + Math.floor(rnd() * 350_000);
  const normal = Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
  return Math.min(48_000, Math.max(200, Math.round(1000 * Math.exp(normal))));
}

export function wordText(rnd: () => number, length: number): string {
  const parts: string[] = [];
  let n = 0;
  while (n < length) {
    const w = WORDS[Math.floor(rnd() * WORDS.length)];
    parts.push(w);
    n += w.length + 1;
  }
  return parts.join(' ');
}

export function writeSyntheticTranscript(file: string, options: SyntheticOptions): SyntheticStats {
  const rnd = seededRandom(options.seed ?? 42);
  const sessionId = options.sessionId ?? '00000000-0000-4000-8000-000000000000';
  const text = wordText(rnd, 7 * 1024 * 1024);
  const hugeCount = options.hugeLines ?? 3;
  const hugeAt = Array.from({ length: hugeCount }, (_, i) => Math.floor(((i + 1) / (hugeCount + 1)) * options.bytes));
  const fd = fs.openSync(file, 'w');
  const sizes: number[] = [];
  let bytes = 0;
  let pending: string[] = [];
  let pendingBytes = 0;
  try {
    for (let i = 0; bytes < options.bytes; i++) {
      const huge = hugeAt.length > 0 && bytes >= hugeAt[0];
      if (huge) hugeAt.shift();
      const size = huge ? 2_000_000 + Math.floor(rnd() * 4_000_000) : lineSize(rnd);
      const line = syntheticLine(rnd, text, sessionId, i, size) + '\n';
      const len = Buffer.byteLength(line);
      sizes.push(len - 1);
      bytes += len;
      pending.push(line);
      pendingBytes += len;
      if (pendingBytes > 4 * 1024 * 1024) {
        fs.writeSync(fd, pending.join(''));
        pending = [];
        pendingBytes = 0;
      }
    }
    fs.writeSync(fd, pending.join(''));
  } finally {
    fs.closeSync(fd);
  }
  const sorted = [...sizes].sort((a, b) => a - b);
  return { bytes, lines: sizes.length, medianLine: sorted[Math.floor(sorted.length / 2)], maxLine: sorted[sorted.length - 1], over50k: sizes.filter((s) => s >= 50_000).length };
}
