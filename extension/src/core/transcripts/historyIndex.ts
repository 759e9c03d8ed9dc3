import fs from 'node:fs/promises';
import path from 'node:path';
import { parseObject } from './jsonLine';
import { titleText } from '../../../../protocol/src';

// ~/.claude/history.jsonl as an index: one line per submitted prompt, all projects (transcript-format.md
// §12). It gives a session's first prompt (a title when the transcript's head has none) and the time
// of its last prompt. Lines before sessionId existed (Oct–Dec 2025) cannot be attributed and are skipped.

export type HistoryEntry = { firstPrompt?: string; lastTimestamp: number; prompts: number };

export async function readHistoryIndex(claudeDir: string): Promise<Map<string, HistoryEntry>> {
  const index = new Map<string, HistoryEntry>();
  let text: string;
  try {
    text = await fs.readFile(path.join(claudeDir, 'history.jsonl'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return index;
    throw e;
  }
  for (const line of text.split('\n')) {
    const entry = parseObject(line);
    if (!entry || typeof entry.sessionId !== 'string' || typeof entry.timestamp !== 'number') continue;
    const prompt = typeof entry.display === 'string' ? titleText(entry.display) : undefined;
    const known = index.get(entry.sessionId);
    if (!known) index.set(entry.sessionId, { firstPrompt: prompt, lastTimestamp: entry.timestamp, prompts: 1 });
    else {
      known.firstPrompt ??= prompt;
      known.lastTimestamp = Math.max(known.lastTimestamp, entry.timestamp);
      known.prompts++;
    }
  }
  return index;
}
