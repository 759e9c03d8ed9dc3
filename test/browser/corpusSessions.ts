import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Real Claude Code sessions from ../shared/corpus/real for browser tests, each copied into a private
// Claude folder in a temp dir (never into the repo).

export const CORPUS = path.resolve(__dirname, '../../../shared/corpus/real');

/** Every main transcript in the corpus (`<project>/<session>.jsonl`; subagent and flat agent files are not sessions). */
export function corpusMainTranscripts(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'subagents') walk(p);
      } else if (/^[0-9a-f]{8}-[0-9a-f-]{27}\.jsonl$/.test(e.name) && path.basename(path.dirname(path.dirname(p))) === 'projects') out.push(p);
    }
  };
  walk(CORPUS);
  return out.sort();
}

/** A private Claude folder holding one corpus session and its side folder. */
export function claudeDirWith(source: string, sessionId = path.basename(source, '.jsonl')): { claudeDir: string; sessionFile: string } {
  const claudeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-ui-'));
  const folder = path.join(claudeDir, 'projects', path.basename(path.dirname(source)));
  fs.mkdirSync(folder, { recursive: true });
  fs.copyFileSync(source, path.join(folder, `${sessionId}.jsonl`));
  const side = source.replace(/\.jsonl$/, '');
  if (fs.existsSync(side)) fs.cpSync(side, path.join(folder, sessionId), { recursive: true });
  return { claudeDir, sessionFile: path.join(folder, `${sessionId}.jsonl`) };
}
