import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ProjectWatcher, type ProjectEvent } from '../../../extension/src/core/transcripts/projectWatcher';
import { waitFor } from '../../helpers/waitFor';
import { SID, ScratchClaude, userLine } from './fixtures';

describe('transcripts: project watcher', () => {
  let scratch: ScratchClaude;
  let watcher: ProjectWatcher;
  let events: ProjectEvent[];

  beforeEach(async () => {
    scratch = new ScratchClaude();
    scratch.session(SID.a, [userLine(SID.a, 'existing')]);
    events = [];
    watcher = new ProjectWatcher({ projectsDir: scratch.projects });
    watcher.onEvent((e) => events.push(e));
    await watcher.ready;
  });
  afterEach(async () => {
    await watcher.dispose();
    scratch.dispose();
  });

  const seen = (type: ProjectEvent['type'], kind: ProjectEvent['file']['kind'], suffix: string) =>
    waitFor(() => events.some((e) => e.type === type && e.file.kind === kind && e.path.endsWith(suffix)), { what: `${type} ${kind} ${suffix}` });

  it('reports new sessions in new project folders, subagent transcripts, tool-results and flat agents', async () => {
    scratch.session(SID.b, [userLine(SID.b, 'new')], '-new-project');
    await seen('add', 'session', `${SID.b}.jsonl`);
    const dir = scratch.project();
    fs.mkdirSync(path.join(dir, SID.a, 'subagents'), { recursive: true });
    fs.writeFileSync(path.join(dir, SID.a, 'subagents', 'agent-a1.jsonl'), '{}\n');
    await seen('add', 'subagent', 'agent-a1.jsonl');
    fs.mkdirSync(path.join(dir, SID.a, 'tool-results'));
    fs.writeFileSync(path.join(dir, SID.a, 'tool-results', 'toolu_1.txt'), 'out');
    await seen('add', 'side-blob', 'toolu_1.txt');
    fs.writeFileSync(path.join(dir, 'agent-a1b2c3d.jsonl'), '{}\n');
    await seen('add', 'flat-agent', 'agent-a1b2c3d.jsonl');
    const sub = events.find((e) => e.file.kind === 'subagent')!;
    assert.deepEqual(sub.file, { kind: 'subagent', folder: '-home-me-proj', sessionId: SID.a, sidePath: `${SID.a}/subagents/agent-a1.jsonl` });
  });

  it('reports changes and deletions of an existing session, and nothing for files that are not part of a session', async () => {
    const dir = scratch.project();
    fs.mkdirSync(path.join(dir, 'memory'));
    fs.writeFileSync(path.join(dir, 'memory', 'MEMORY.md'), '# notes');
    fs.writeFileSync(path.join(dir, 'sessions-index.json'), '{}');
    fs.appendFileSync(path.join(dir, `${SID.a}.jsonl`), `${userLine(SID.a, 'more')}\n`);
    await seen('change', 'session', `${SID.a}.jsonl`);
    fs.rmSync(path.join(dir, `${SID.a}.jsonl`));
    await seen('unlink', 'session', `${SID.a}.jsonl`);
    assert.deepEqual(
      events.filter((e) => /memory|sessions-index/.test(e.path)),
      [],
    );
  });

  it('stops reporting once disposed (twice is fine)', async () => {
    await watcher.dispose();
    await watcher.dispose();
    scratch.session(SID.c, [userLine(SID.c, 'late')]);
    const marker = new ProjectWatcher({ projectsDir: scratch.projects });
    try {
      await marker.ready;
      const got: ProjectEvent[] = [];
      marker.onEvent((e) => got.push(e));
      scratch.session(SID.b, [userLine(SID.b, 'after')]);
      await waitFor(() => got.length > 0, { what: 'a live watcher to see the next file' });
      assert.deepEqual(events, []);
    } finally {
      await marker.dispose();
    }
  });
});
