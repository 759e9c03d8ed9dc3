import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { Origin, PromptRequest, addPrompt, boundAuthor, isTerminal, queueRoom, transcriptRoom, type TokenClaims } from '../protocol/src';
import { neverApprover } from '../extension/src/core/prompts/approval';
import { PromptRunner } from '../extension/src/core/prompts/promptRunner';
import { QueueWriteRules } from '../relay/src/queueWriteRules';
import type { BenchRow } from './harness/types';

// Queue flood (issue 10 item 9): 10,000 tiny prompts, each its own update, into a host running with
// `--prompts never`. The runner must give every one a status within 2 s: its work per queue change
// has to follow the change, not the queue's length (it was O(n²)). The peer is the least any host
// can do: apply the same updates to a plain doc and parse each entry once. Another row times the
// relay's queue rules judging the same updates against applying them to a plain Y.Doc.

export const description = 'queue flood: 10,000 prompts, one update each, answered by the runner (--prompts never) and judged by the relay';

const PROMPTS = 10_000;
const TARGET_MS = 2000;
/** each prompt is decided in turn, after a file-system check of its @-mentions */
const ANSWER_RATIO = 5;

const claims: TokenClaims = { v: 1, sid: 'b'.repeat(43), role: 'prompter', iat: 0, exp: 2 ** 31, jti: 'bench-token-0001', name: 'bench' };

export async function run(): Promise<BenchRow[]> {
  const updates = promptUpdates();
  const peerMs = timed(() => {
    const doc = new Y.Doc();
    for (const u of updates) Y.applyUpdate(doc, u);
    const statuses = new Map<string, string>();
    for (const raw of queueRoom(doc).prompts.toArray()) {
      const r = PromptRequest.safeParse(raw);
      if (r.success) statuses.set(r.data.id, 'rejected');
    }
    if (statuses.size !== PROMPTS) throw new Error('the peer parsed too few');
  });
  const peer = `apply the updates, parse each entry once: ${peerMs.toFixed(0)} ms`;
  const { statusMs, answeredMs } = await runnerFlood(updates);
  const { rulesMs, plainMs } = relayFlood(updates);
  return [
    {
      metric: `${PROMPTS.toLocaleString('en')} prompts, one update each, reach the host: all have a status`,
      value: Math.round(statusMs),
      unit: 'ms',
      peer,
      ratio: statusMs / peerMs,
      target: `≤ ${TARGET_MS} ms`,
      ok: statusMs <= TARGET_MS,
    },
    {
      metric: '… and all are answered (rejected: --prompts never), one at a time',
      value: Math.round(answeredMs),
      unit: 'ms',
      peer,
      ratio: answeredMs / peerMs,
      target: `≤ ${ANSWER_RATIO}×`,
      ok: answeredMs <= ANSWER_RATIO * peerMs,
    },
    {
      metric: `relay queue rules judging the ${PROMPTS.toLocaleString('en')} updates`,
      value: Math.round(rulesMs),
      unit: 'ms',
      peer: `Y.applyUpdate of the same: ${plainMs.toFixed(0)} ms`,
      ratio: rulesMs / plainMs,
      target: '≤ 10×',
      ok: rulesMs <= 10 * plainMs,
    },
  ];
}

/** What a prompter's client sends: one update per prompt. */
function promptUpdates(): Uint8Array[] {
  const writer = new Y.Doc();
  const updates: Uint8Array[] = [];
  writer.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < PROMPTS; i++) {
    addPrompt(writer, { id: `flood-${String(i).padStart(6, '0')}`, text: `tiny prompt ${i}`, ...boundAuthor(claims), createdAt: i, kind: 'resume' }, Origin.composer);
  }
  writer.destroy();
  return updates;
}

async function runnerFlood(updates: Uint8Array[]): Promise<{ statusMs: number; answeredMs: number }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-queue-'));
  const transcriptDoc = new Y.Doc();
  const queueDoc = new Y.Doc();
  const quiet = () => undefined;
  const runner = await PromptRunner.start({
    transcriptDoc,
    queueDoc,
    sessionId: crypto.randomUUID(),
    cwd: root,
    claudeDir: path.join(root, '.claude'),
    claude: { command: '/nonexistent/claude' },
    approver: neverApprover,
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    lockDir: path.join(root, 'locks'),
  });
  try {
    const runs = transcriptRoom(transcriptDoc).runs;
    let answered = 0;
    const allAnswered = new Promise<void>((resolve) => {
      runs.observe((event) => {
        for (const key of event.keysChanged) if (isTerminal((runs.get(key) as { state: 'queued' }).state)) answered++;
        if (answered >= PROMPTS) resolve();
      });
    });
    const started = performance.now();
    for (const u of updates) Y.applyUpdate(queueDoc, u);
    const statusMs = performance.now() - started;
    if (runs.size !== PROMPTS) throw new Error(`only ${runs.size} prompts got a status`);
    await allAnswered;
    return { statusMs, answeredMs: performance.now() - started };
  } finally {
    await runner.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function relayFlood(updates: Uint8Array[]): { rulesMs: number; plainMs: number } {
  const rules = new QueueWriteRules(Y.encodeStateAsUpdate(new Y.Doc()), { maxPendingPrompts: PROMPTS }, () => undefined);
  const rulesMs = timed(() => {
    for (const u of updates) {
      const { refused } = rules.admit({ role: 'prompter', claims }, u);
      if (refused) throw new Error(`the rules refused a good prompt: ${refused.reason}`);
    }
  });
  rules.dispose();
  const plain = new Y.Doc();
  const plainMs = timed(() => {
    for (const u of updates) Y.applyUpdate(plain, u);
  });
  return { rulesMs, plainMs };
}

function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}
