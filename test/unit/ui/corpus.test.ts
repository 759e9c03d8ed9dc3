import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TranscriptModel } from '../../../webview-ui/src/model/transcriptModel';

// Every line of every real transcript (main files and subagent files) maps to display items.
const corpus = path.resolve(__dirname, '../../../../shared/corpus/real');

function jsonlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? jsonlFiles(p) : e.name.endsWith('.jsonl') && e.name !== 'history.jsonl' ? [p] : [];
  });
}

describe('ui model: the real corpus', () => {
  const files = fs.existsSync(corpus) ? jsonlFiles(corpus) : [];

  it('finds the corpus beside the repository', () => {
    assert.ok(files.length >= 20, `expected the real transcripts in ${corpus}`);
    assert.ok(files.some((f) => f.includes('/subagents/')), 'subagent files are part of the corpus');
  });

  it('maps every line of every transcript without throwing, one item list per file', () => {
    let lines = 0;
    let visible = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const fileLines = text.split('\n').filter((l) => l.length > 0);
      const model = new TranscriptModel({ markSidechains: !file.includes('agent-') });
      model.append(fileLines);
      assert.equal(model.lineCount, fileLines.length, file);
      assert.equal(model.invalidLines, 0, `${file}: every corpus line is JSON`);
      const keys = model.items.map((i) => i.key);
      assert.deepEqual(keys, [...keys].sort((a, b) => a - b), `${file}: items follow file order`);
      for (const item of model.items) {
        if (item.kind === 'assistant') assert.ok(item.messageId, `${file}: assistant item without id`);
        if (item.kind === 'prompt') assert.ok(item.text || item.images.length, `${file}: empty prompt item`);
      }
      lines += fileLines.length;
      visible += model.items.filter((i) => !i.quiet).length;
    }
    assert.ok(lines > 3000 && visible > 1000, `read ${lines} lines, ${visible} visible items`);
  });

  it('links every tool result to its call, including results written before their call', () => {
    for (const file of files) {
      const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
      const model = new TranscriptModel();
      model.append(lines);
      const calls = model.items.flatMap((i) => (i.kind === 'assistant' ? i.parts.flatMap((p) => (p.kind === 'tool' ? [p.call] : [])) : []));
      const answered = new Set(lines.flatMap((l) => [...l.matchAll(/"tool_use_id":"([^"]+)"/g)].map((m) => m[1])));
      const expected = calls.filter((c) => answered.has(c.id));
      assert.deepEqual(expected.filter((c) => !c.result).map((c) => c.id), [], path.basename(file));
    }
  });

  it('finds the subagent of a Task call by the agent id in its result', () => {
    const file = files.find((f) => f.endsWith('4ee0e48e-16e0-4f55-9548-e31cca6f4846.jsonl'));
    assert.ok(file);
    const model = new TranscriptModel();
    model.append(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean));
    const subagents = model.items.flatMap((i) => (i.kind === 'assistant' ? i.parts.flatMap((p) => (p.kind === 'tool' && p.call.subagent ? [p.call.subagent] : [])) : []));
    assert.ok(subagents.some((s) => s.agentId === 'affe870'), JSON.stringify(subagents));
  });
});
