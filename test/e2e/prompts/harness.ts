// One host under test: the real `claude` CLI against the fake API in a private HOME, a real session
// created by that CLI, the two room documents, and a prompt runner over them.
import crypto from 'node:crypto';
import path from 'node:path';
import * as Y from 'yjs';
import { Origin, addCancel, addPrompt, isTerminal, readRuns, type PromptRequest, type RunState, type RunStatus } from '../../../protocol/src';
import { autoApprover } from '../../../extension/src/core/prompts/approval';
import type { Logger } from '../../../extension/src/core/prompts/logger';
import { PromptRunner, type PromptRunnerOptions, type SessionSwitch } from '../../../extension/src/core/prompts/promptRunner';
import { makeClaudeEnv, type ClaudeTestEnv } from '../../helpers/claudeEnv';
import { startFakeAnthropic, type FakeAnthropic } from '../../helpers/fakeAnthropic';
import { waitFor } from '../../helpers/waitFor';

export type LogLine = { level: keyof Logger; message: string };

export type Harness = {
  fake: FakeAnthropic;
  env: ClaudeTestEnv;
  transcriptDoc: Y.Doc;
  queueDoc: Y.Doc;
  sessionId: string;
  cwd: string;
  logs: LogLine[];
  switches: SessionSwitch[];
  /** the options every runner of this harness gets, before a test's overrides */
  options(overrides?: Partial<PromptRunnerOptions>): PromptRunnerOptions;
  start(overrides?: Partial<PromptRunnerOptions>): Promise<PromptRunner>;
  /** queues a prompt the way a prompter's composer does; returns its id */
  queue(text: string, extra?: Partial<PromptRequest>): string;
  cancel(promptId: string, author?: string): void;
  run(promptId: string): RunStatus | undefined;
  waitForState(promptId: string, states: RunState | RunState[], timeoutMs?: number): Promise<RunStatus>;
  /** Messages API calls the fake received whose last user text contains `needle` (all of them without) */
  requestsWith(needle?: string): FakeAnthropic['requests'];
  dispose(): Promise<void>;
};

export async function makeHarness(): Promise<Harness> {
  const fake = await startFakeAnthropic();
  const env = makeClaudeEnv(fake);
  const cwd = env.project('proj');
  const sessionId = await env.createSession(cwd);
  const transcriptDoc = new Y.Doc();
  const queueDoc = new Y.Doc();
  const logs: LogLine[] = [];
  const switches: SessionSwitch[] = [];
  const runners: PromptRunner[] = [];
  const log: Logger = {
    debug: (message) => logs.push({ level: 'debug', message }),
    info: (message) => logs.push({ level: 'info', message }),
    warn: (message) => logs.push({ level: 'warn', message }),
    error: (message, e) => logs.push({ level: 'error', message: e === undefined ? message : `${message}: ${String(e)}` }),
  };

  const h: Harness = {
    fake,
    env,
    transcriptDoc,
    queueDoc,
    sessionId,
    cwd,
    logs,
    switches,
    options: (overrides = {}) => ({
      transcriptDoc,
      queueDoc,
      sessionId,
      cwd,
      claudeDir: env.claudeDir,
      claude: { command: env.claudePath, env: env.apiEnv, stopGraceMs: 2000 },
      approver: autoApprover,
      log,
      baseEnv: env.baseEnv,
      lockDir: path.join(env.root, 'locks'),
      journalPath: path.join(env.root, 'state', 'started'),
      pollMs: 20,
      onSessionSwitch: (e) => void switches.push(e),
      ...overrides,
    }),
    async start(overrides) {
      const runner = await PromptRunner.start(h.options(overrides));
      runners.push(runner);
      return runner;
    },
    queue(text, extra = {}) {
      const id = `p-${crypto.randomBytes(6).toString('hex')}`;
      addPrompt(queueDoc, { id, text, author: 'ana', tokenId: 'ana-token', createdAt: Date.now(), kind: 'resume', ...extra }, Origin.composer);
      return id;
    },
    cancel(promptId, author = 'ana') {
      addCancel(queueDoc, { promptId, author, tokenId: `${author}-token`, createdAt: Date.now() }, Origin.composer);
    },
    run: (promptId) => readRuns(transcriptDoc).get(promptId),
    waitForState(promptId, states, timeoutMs = 20_000) {
      const wanted = Array.isArray(states) ? states : [states];
      return waitFor(
        () => {
          const run = h.run(promptId);
          if (run && !wanted.includes(run.state) && isTerminal(run.state)) {
            throw new Error(`prompt ${promptId} ended ${run.state}, not ${wanted.join('|')}: ${run.error ?? ''}`);
          }
          return run && wanted.includes(run.state) ? run : undefined;
        },
        { timeoutMs, what: `prompt ${promptId} to be ${wanted.join('|')} (now ${h.run(promptId)?.state ?? 'unknown'})` },
      );
    },
    // Claude Code also probes the API's root before each run; only Messages calls carry prompts
    requestsWith: (needle = '') => fake.requests.filter((r) => r.path.startsWith('/v1/messages') && r.lastUserText.includes(needle)),
    async dispose() {
      await Promise.all(runners.map((r) => r.dispose()));
      await fake.close();
      env.dispose();
    },
  };
  return h;
}
