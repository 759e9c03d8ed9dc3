import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClaudeProcess } from '../../../extension/src/core/prompts/claudeProcess';
import { isProcessAlive } from '../../../extension/src/core/prompts/liveProcess';
import type { Logger } from '../../../extension/src/core/prompts/logger';
import { waitFor } from '../../helpers/waitFor';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

// A `claude` that will not stop: it ignores SIGINT and SIGTERM and has started a tool process of
// its own, as a hung Bash tool call would. The real CLI stops on SIGINT, so this one stands in
// for the case the escalation exists for.
const STUBBORN = `
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
const { spawn } = require('node:child_process');
const tool = spawn(process.execPath, ['-e', 'process.on("SIGINT",()=>{});process.on("SIGTERM",()=>{});setInterval(()=>{},1000)'], { stdio: 'ignore' });
require('node:fs').writeFileSync('tool.pid', String(tool.pid));
setInterval(() => {}, 1000);
`;

describe('prompts: stopping a claude run', () => {
  let dir: string;
  let run: ClaudeProcess | undefined;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stop-'))));
  afterEach(async () => {
    await run?.stop(); // a failed test still ends its processes
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('escalates SIGINT → SIGTERM → SIGKILL and takes the tools it started down with it', async function () {
    if (process.platform === 'win32') this.skip();
    const command = path.join(dir, 'claude');
    fs.writeFileSync(command, `#!${process.execPath}\n${STUBBORN}`, { mode: 0o755 });
    run = ClaudeProcess.start({
      settings: { command, stopGraceMs: 100 },
      baseEnv: { PATH: process.env.PATH },
      cwd: dir,
      log: quiet,
    });
    const pidFile = path.join(dir, 'tool.pid');
    const toolPid = await waitFor(() => (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : undefined), { what: 'the stand-in to start its tool' });

    const outcome = await run.stop();
    assert.equal(outcome.status, 'stopped');
    assert.equal(outcome.signal, 'SIGKILL');
    await waitFor(() => !isProcessAlive(toolPid), { what: 'the tool process to be gone' });
    run.dispose(); // idempotent after the end
  });
});
