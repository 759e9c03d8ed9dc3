import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { Origin, addAnswer, addPrompt, boundAuthor, readApprovals, readClaudeProcess, readRuns, transcriptRoom, type BoundEntry } from '../protocol/src';
import { DEFAULT_MAX_PROCESSES, ProcessPool, autoApprover } from '../extension/src/core/prompts';
import { joinShare } from '../extension/src/core/sync/joinShare';
import { ShareHost } from '../extension/src/core/sync/shareHost';
import { generateShareKeys, signToken } from '../extension/src/core/sync/shareKeys';
import { silentLogger } from '../relay/src/logger';
import { startRelay } from '../relay/src/startRelay';
import { makeClaudeEnv } from '../test/helpers/claudeEnv';
import { startFakeAnthropic } from '../test/helpers/fakeAnthropic';
import { median, percentile } from './harness/stats';
import type { BenchRow } from './harness/types';

// End to end through the relay (DESIGN.md §7): a line appended to the host's transcript file → the
// host's document (the peer: the publisher alone) → the relay → a remote viewer's document, over
// loopback websockets, 1,000 lines one after another. Then queue → run start: a prompt written by a
// prompter reaches the host's runner and `claude` starts (status `running`), and → the fake API's
// first request (real `claude` CLI), compared with a bare `claude` spawn → first request: the first
// prompt starts the session's Claude Code process, the follow-ups reach it warm. Then tool approvals:
// Claude Code's request published by the host → a prompter's answer through the relay → taken by the
// host (both host clock), against Claude Code's own part after it (answer taken → the tool's file
// appears); and the warm process's RSS, alone and with the host's cap of processes reached.

export const description = 'append → remote viewer through the relay (vs → host doc); queue → run start (real claude)';

const LINES = 1000;
const PROMPTS = 8;
const APPROVALS = 25;

export async function run(): Promise<BenchRow[]> {
  const fake = await startFakeAnthropic();
  const world = makeClaudeEnv(fake);
  const relay = await startRelay({ port: 0, log: silentLogger });
  const keys = generateShareKeys();
  const token = (role: 'host' | 'prompter') => signToken(keys, { role, ttlSeconds: 3600 }).token;
  const project = world.project('bench');
  const sessionId = await world.createSession(project);
  const file = world.transcriptPath(sessionId)!;
  Object.assign(process.env, world.apiEnv, { HOME: world.home, TMPDIR: world.baseEnv.TMPDIR });
  const startHost = (shareKeys: typeof keys, session: string, processPool?: ProcessPool) =>
    ShareHost.start({
      relayUrl: relay.url,
      shareId: shareKeys.shareId,
      hostToken: signToken(shareKeys, { role: 'host', ttlSeconds: 3600 }).token,
      claudeDir: world.claudeDir,
      projectFolder: path.basename(path.dirname(world.transcriptPath(session)!)),
      sessionId: session,
      cwd: project,
      promptPolicy: 'auto',
      approver: autoApprover,
      toolApprovals: { policy: 'prompters' },
      claude: { command: world.claudePath },
      journalPath: path.join(world.root, `journal-${session}.jsonl`),
      log: { ...silentLogger, error: () => undefined },
      processPool,
    });
  const host = await startHost(keys, sessionId);
  const viewer = await joinShare(`${relay.url}/s/${keys.shareId}#t=${token('prompter')}`);
  try {
    const { local, remote } = await appendLatencies(file, host.docs.transcript, viewer.docs.transcript);
    const { toRunning, toRequest, bare } = await queueLatencies(viewer.docs, boundAuthor(viewer.link.claims), fake, world.claudePath, project, world);
    const rssMb = warmRssMb(viewer.docs.transcript);
    const { relayTrip, toTool, claudePart } = await approvalLatencies(viewer.docs, boundAuthor(viewer.link.claims), project);
    const cap = await capMemory(world, project, relay.url, startHost);
    const [cold, ...warm] = toRequest;
    const rt99 = percentile(relayTrip, 99);
    const p50 = percentile(remote, 50);
    const p99 = percentile(remote, 99);
    const localText = `→ host doc p50 ${percentile(local, 50).toFixed(2)} ms, p99 ${percentile(local, 99).toFixed(2)} ms`;
    return [
      { metric: `append → remote viewer p50 (${LINES} lines)`, value: p50, unit: 'ms', peer: localText, ratio: p50 / percentile(local, 50), target: '≤ 10 ms', ok: p50 <= 10 },
      { metric: `append → remote viewer p99 (${LINES} lines)`, value: p99, unit: 'ms', peer: localText, ratio: p99 / percentile(local, 99), target: '≤ 40 ms', ok: p99 <= 40 },
      { metric: 'append → remote viewer max', value: Math.max(...remote), unit: 'ms' },
      { metric: `queue → run start (status running), median of ${PROMPTS}`, value: median(toRunning), unit: 'ms' },
      { metric: "queue → claude's first API request, first prompt (starts the process)", value: cold, unit: 'ms', peer: `bare claude spawn → first request ${median(bare).toFixed(0)} ms`, ratio: cold / median(bare) },
      {
        metric: `queue → claude's first API request, follow-up to the warm process, median of ${warm.length}`,
        value: median(warm),
        unit: 'ms',
        peer: `bare claude spawn → first request ${median(bare).toFixed(0)} ms`,
        ratio: median(warm) / median(bare),
        target: '≤ 100 ms',
        ok: median(warm) <= 100,
      },
      {
        metric: `tool request published → prompter's answer taken by the host, via the relay both ways, p99 of ${APPROVALS}`,
        value: rt99,
        unit: 'ms',
        peer: `answer taken → tool runs (Claude Code's part) p99 ${percentile(claudePart, 99).toFixed(1)} ms`,
        ratio: rt99 / percentile(claudePart, 99),
        target: '≤ 50 ms',
        ok: rt99 <= 50,
      },
      { metric: 'tool request published → tool runs (its file appears), p50 / p99', value: percentile(toTool, 50), unit: 'ms', peer: `p99 ${percentile(toTool, 99).toFixed(1)} ms` },
      { metric: 'host memory per warm Claude Code process (RSS)', value: rssMb, unit: 'MB', peer: `a bare claude waiting after one stream-json prompt: ${(cap.bareMb / DEFAULT_MAX_PROCESSES).toFixed(0)} MB` },
      {
        metric: `the cap reached: ${DEFAULT_MAX_PROCESSES} shares' warm processes, RSS summed`,
        value: cap.oursMb,
        unit: 'MB',
        peer: `${DEFAULT_MAX_PROCESSES} bare warm claude: ${cap.bareMb.toFixed(0)} MB`,
        ratio: cap.oursMb / cap.bareMb,
        target: '≤ 1.25×',
        ok: cap.oursMb <= 1.25 * cap.bareMb,
      },
    ];
  } finally {
    viewer.dispose();
    await host.stop({ ended: true });
    await relay.close();
    await fake.close();
    world.dispose();
  }
}

async function appendLatencies(file: string, hostDoc: Y.Doc, viewerDoc: Y.Doc): Promise<{ local: number[]; remote: number[] }> {
  const local: number[] = [];
  const remote: number[] = [];
  const sentAt = new Map<number, number>();
  const watch = (doc: Y.Doc, into: number[]) => {
    const lines = transcriptRoom(doc).lines;
    let seen = lines.length;
    const arrived = new Map<number, () => void>();
    lines.observe(() => {
      const now = performance.now();
      for (const line of lines.slice(seen)) {
        const seq = /"benchSeq":(\d+)/.exec(line)?.[1];
        if (seq === undefined) continue;
        into.push(now - sentAt.get(Number(seq))!);
        arrived.get(Number(seq))?.();
      }
      seen = lines.length;
    });
    return (seq: number) => new Promise<void>((resolve) => arrived.set(seq, resolve));
  };
  const atHost = watch(hostDoc, local);
  const atViewer = watch(viewerDoc, remote);
  const filler = 'x'.repeat(900);
  for (let seq = 0; seq < LINES; seq++) {
    const line = JSON.stringify({ type: 'bench-line', benchSeq: seq, text: filler }) + '\n';
    const both = Promise.all([atHost(seq), atViewer(seq)]);
    sentAt.set(seq, performance.now());
    fs.appendFileSync(file, line);
    await both;
  }
  return { local, remote };
}

async function queueLatencies(
  docs: { transcript: Y.Doc; queue: Y.Doc },
  bound: BoundEntry,
  fake: Awaited<ReturnType<typeof startFakeAnthropic>>,
  claudePath: string,
  project: string,
  world: ReturnType<typeof makeClaudeEnv>,
): Promise<{ toRunning: number[]; toRequest: number[]; bare: number[] }> {
  const toRunning: number[] = [];
  const toRequest: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < PROMPTS; i++) {
    const id = `bench-${crypto.randomBytes(6).toString('hex')}`;
    const text = `bench prompt ${id}`;
    const t0 = performance.now();
    const wallStart = Date.now();
    addPrompt(docs.queue, { id, text, ...bound, createdAt: Date.now(), kind: 'resume' }, Origin.composer);
    await until(docs.transcript, () => readRuns(docs.transcript).get(id)?.state === 'running');
    toRunning.push(performance.now() - t0);
    await until(docs.transcript, () => readRuns(docs.transcript).get(id)?.state === 'done');
    const request = fake.requests.find((q) => q.lastUserText === text);
    if (request) toRequest.push(request.receivedAt - wallStart);
    bare.push(await bareSpawnToRequest(fake, claudePath, project, world));
  }
  return { toRunning, toRequest, bare };
}

async function bareSpawnToRequest(fake: Awaited<ReturnType<typeof startFakeAnthropic>>, claudePath: string, cwd: string, world: ReturnType<typeof makeClaudeEnv>): Promise<number> {
  const text = `bare ${crypto.randomBytes(6).toString('hex')}`;
  const start = Date.now();
  await new Promise<void>((resolve) => {
    const child = spawn(claudePath, ['-p', text, '--output-format', 'stream-json', '--verbose'], { cwd, env: { ...world.baseEnv, ...world.apiEnv }, stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('exit', () => resolve());
  });
  const request = fake.requests.find((q) => q.lastUserText === text);
  return request ? request.receivedAt - start : NaN;
}

/** The warm process's resident memory, from its pid in the transcript room. */
function warmRssMb(doc: Y.Doc): number {
  const pid = readClaudeProcess(doc)?.pid;
  const status = pid ? fs.readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : NaN;
}

/**
 * The cap reached: DEFAULT_MAX_PROCESSES shares of one host on one process pool, each left with a warm
 * process by a prompt, their RSS summed; against as many bare `claude` processes that answered one
 * stream-json prompt and wait for the next.
 */
async function capMemory(
  world: ReturnType<typeof makeClaudeEnv>,
  project: string,
  relayUrl: string,
  startHost: (keys: ReturnType<typeof generateShareKeys>, session: string, pool: ProcessPool) => Promise<ShareHost>,
): Promise<{ oursMb: number; bareMb: number }> {
  const pool = new ProcessPool(DEFAULT_MAX_PROCESSES);
  const hosts: ShareHost[] = [];
  const viewers: Array<Awaited<ReturnType<typeof joinShare>>> = [];
  try {
    let oursMb = 0;
    for (let i = 0; i < DEFAULT_MAX_PROCESSES; i++) {
      const keys = generateShareKeys();
      hosts.push(await startHost(keys, await world.createSession(project), pool));
      const viewer = await joinShare(`${relayUrl}/s/${keys.shareId}#t=${signToken(keys, { role: 'prompter', ttlSeconds: 3600 }).token}`);
      viewers.push(viewer);
      const id = `bench-cap-${crypto.randomBytes(6).toString('hex')}`;
      addPrompt(viewer.docs.queue, { id, text: `cap prompt ${id}`, ...boundAuthor(viewer.link.claims), createdAt: Date.now(), kind: 'resume' }, Origin.composer);
      await until(viewer.docs.transcript, () => readRuns(viewer.docs.transcript).get(id)?.state === 'done' && readClaudeProcess(viewer.docs.transcript)?.state === 'idle');
      oursMb += warmRssMb(viewer.docs.transcript);
    }
    let bareMb = 0;
    for (let i = 0; i < DEFAULT_MAX_PROCESSES; i++) bareMb += await bareWarmRssMb(world, project);
    return { oursMb, bareMb };
  } finally {
    viewers.forEach((v) => v.dispose());
    for (const h of hosts) await h.stop({ ended: true });
  }
}

/** A bare `claude` over stream-json, after it answered one prompt: its RSS while it waits for the next. */
async function bareWarmRssMb(world: ReturnType<typeof makeClaudeEnv>, cwd: string): Promise<number> {
  const child = spawn(world.claudePath, ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose'], { cwd, env: { ...world.baseEnv, ...world.apiEnv }, stdio: ['pipe', 'pipe', 'ignore'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/"type":"result"/.test(out)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`bench: a bare claude exited (${code}) before answering`)));
      child.stdin.write(`${JSON.stringify({ type: 'user', message: { role: 'user', content: `bare warm ${crypto.randomBytes(4).toString('hex')}` } })}\n`);
    });
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } finally {
    child.kill('SIGKILL');
  }
}

/** Each prompt makes Claude Code ask for a Bash tool; the viewer answers the moment it sees the request. */
async function approvalLatencies(docs: { transcript: Y.Doc; queue: Y.Doc }, bound: BoundEntry, project: string): Promise<{ relayTrip: number[]; toTool: number[]; claudePart: number[] }> {
  const relayTrip: number[] = [];
  const toTool: number[] = [];
  const claudePart: number[] = [];
  const answered = new Set<string>();
  const answer = () => {
    for (const a of readApprovals(docs.transcript).values()) {
      if (a.state !== 'pending' || answered.has(a.id)) continue;
      answered.add(a.id);
      addAnswer(docs.queue, { id: `a-${crypto.randomBytes(6).toString('hex')}`, requestId: a.id, decision: 'allow', ...bound, createdAt: Date.now() }, Origin.composer);
    }
  };
  transcriptRoom(docs.transcript).approvals.observe(answer);
  try {
    for (let i = 0; i < APPROVALS; i++) {
      const id = `bench-tool-${crypto.randomBytes(6).toString('hex')}`;
      const marker = path.join(project, `${id}.txt`);
      addPrompt(docs.queue, { id, text: `[[bash: touch ${id}.txt]]`, ...bound, createdAt: Date.now(), kind: 'resume' }, Origin.composer);
      await until(docs.transcript, () => readRuns(docs.transcript).get(id)?.state === 'done');
      const request = [...readApprovals(docs.transcript).values()].find((a) => a.promptId === id);
      if (!request?.answeredAt || !fs.existsSync(marker)) throw new Error(`bench: the tool of ${id} did not run after its approval`);
      const ranAt = fs.statSync(marker).mtimeMs;
      relayTrip.push(request.answeredAt - request.createdAt);
      toTool.push(ranAt - request.createdAt);
      claudePart.push(ranAt - request.answeredAt);
    }
  } finally {
    transcriptRoom(docs.transcript).approvals.unobserve(answer);
  }
  return { relayTrip, toTool, claudePart };
}

function until(doc: Y.Doc, cond: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (cond()) return resolve();
    const check = () => {
      if (!cond()) return;
      doc.off('update', check);
      resolve();
    };
    doc.on('update', check);
  });
}
