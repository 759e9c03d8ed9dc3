import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Shared by the transcript tests: the real corpus (read in place, never copied into the repo) and
// scratch Claude folders in the system temp dir.

export const CORPUS = path.resolve(__dirname, '../../../../shared/corpus/real');

/** The corpus must be there: without it these tests would prove nothing. */
export function corpusSource(name: string): string {
  const dir = path.join(CORPUS, name);
  if (!fs.existsSync(dir)) throw new Error(`the real transcript corpus is missing: expected ${dir} (../shared/corpus/real beside the repo)`);
  return dir;
}

export const SID = {
  a: '11111111-1111-4111-8111-111111111111',
  b: '22222222-2222-4222-8222-222222222222',
  c: '33333333-3333-4333-8333-333333333333',
} as const;

/** A scratch Claude folder with a projects/ folder; dispose() removes it. */
export class ScratchClaude {
  readonly root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-transcripts-')));
  readonly dir = path.join(this.root, '.claude');
  readonly projects = path.join(this.dir, 'projects');

  constructor() {
    fs.mkdirSync(this.projects, { recursive: true });
  }

  project(folder = '-home-me-proj'): string {
    const dir = path.join(this.projects, folder);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Writes `<folder>/<sessionId>.jsonl` (lines joined with newlines, plus a final one) and returns its path. */
  session(sessionId: string, lines: readonly string[], folder = '-home-me-proj'): string {
    const file = path.join(this.project(folder), `${sessionId}.jsonl`);
    fs.writeFileSync(file, lines.length ? lines.join('\n') + '\n' : '');
    return file;
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** A realistic user prompt line. */
export function userLine(sessionId: string, text: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd: '/home/me/proj',
    sessionId,
    version: '2.1.97',
    gitBranch: 'main',
    type: 'user',
    message: { role: 'user', content: text },
    uuid: `u-${text.length}-${Math.round(Math.random() * 1e9)}`,
    timestamp: new Date().toISOString(),
    ...extra,
  });
}

export function assistantLine(sessionId: string, text: string): string {
  return JSON.stringify({
    parentUuid: null,
    sessionId,
    type: 'assistant',
    message: { id: 'msg_1', role: 'assistant', model: 'claude', content: [{ type: 'text', text }] },
    uuid: `a-${Math.round(Math.random() * 1e9)}`,
    timestamp: new Date().toISOString(),
  });
}

/** Every file under `dir`, recursively, as absolute paths. */
export function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Splits file bytes as the engine should: on `\n`, the final newline ending the last line. */
export function fileLines(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}
