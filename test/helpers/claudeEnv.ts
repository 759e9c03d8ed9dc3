// A private world for one test that runs the real `claude` CLI against the fake API: its own short
// HOME, TMPDIR and project folders (Claude Code puts unix sockets under TMPDIR, whose paths must
// stay under 108 bytes), and the environment that points the CLI at the fake server with no
// retries, no telemetry and no updater. See ../shared/docs/claude-cli-offline.md §2.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FakeAnthropic } from './fakeAnthropic';

const repoRoot = path.resolve(__dirname, '../..');

/** The native binary itself, which works even when npm skipped the package's install script. */
export function claudeBinary(): string {
  const native = path.join(repoRoot, 'node_modules/@anthropic-ai/claude-code-linux-x64/claude');
  return fs.existsSync(native) ? native : path.join(repoRoot, 'node_modules/.bin/claude');
}

export type ClaudeTestEnv = {
  root: string;
  home: string;
  claudeDir: string;
  claudePath: string;
  /** the host's environment as the code under test sees it: PATH, HOME, TMPDIR */
  baseEnv: NodeJS.ProcessEnv;
  /** what the host's settings add for `claude`: the fake API and quiet, offline behaviour */
  apiEnv: Record<string, string>;
  /** a new project folder under the test's root */
  project(name: string): string;
  /** runs the real CLI once (`-p TEXT --session-id <uuid>`) so a session exists to resume */
  createSession(cwd: string, text?: string): Promise<string>;
  /** finds a session's transcript by listing the project folders (never computing their names) */
  transcriptPath(sessionId: string): string | undefined;
  dispose(): void;
};

function shortTmpRoot(): string {
  // macOS and CI runners can have long TMPDIRs; /tmp keeps socket paths short
  const base = os.tmpdir().length <= 20 ? os.tmpdir() : '/tmp';
  return fs.mkdtempSync(path.join(base, 'tc-'));
}

export function makeClaudeEnv(fake: FakeAnthropic): ClaudeTestEnv {
  const root = shortTmpRoot();
  const home = path.join(root, 'h');
  const tmp = path.join(root, 't');
  for (const dir of [home, tmp]) fs.mkdirSync(dir);
  const claudeDir = path.join(home, '.claude');
  const claudePath = claudeBinary();
  const baseEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, TMPDIR: tmp };
  const apiEnv = {
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'sk-ant-test-dummy',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
  };
  return {
    root,
    home,
    claudeDir,
    claudePath,
    baseEnv,
    apiEnv,
    project(name) {
      const dir = path.join(root, name);
      fs.mkdirSync(dir, { recursive: true });
      return dir;
    },
    createSession(cwd, text = 'hello') {
      const sessionId = crypto.randomUUID();
      const args = ['-p', text, '--session-id', sessionId, '--output-format', 'stream-json', '--verbose'];
      return new Promise((resolve, reject) => {
        const child = execFile(claudePath, args, { cwd, env: { ...baseEnv, ...apiEnv }, timeout: 20_000 }, (err, _stdout, stderr) => {
          if (err) reject(new Error(`claude could not create a session: ${err.message} ${stderr}`));
          else resolve(sessionId);
        });
        // an open stdin pipe makes the CLI wait 3 s for data
        child.stdin?.end();
      });
    },
    transcriptPath(sessionId) {
      const projects = path.join(claudeDir, 'projects');
      if (!fs.existsSync(projects)) return undefined;
      for (const folder of fs.readdirSync(projects)) {
        const file = path.join(projects, folder, `${sessionId}.jsonl`);
        if (fs.existsSync(file)) return file;
      }
      return undefined;
    },
    dispose() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
