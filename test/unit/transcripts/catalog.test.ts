import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ClaudeDirError, latestSession, listSessions } from '../../../extension/src/core/transcripts/catalog';
import { resolveClaudeDir } from '../../../extension/src/core/transcripts/claudeDir';
import { SID, ScratchClaude, assistantLine, corpusSource, fileLines, userLine } from './fixtures';

describe('transcripts: session catalog', () => {
  it('titles the bradymholt-dotfiles sessions: summary, else the first real prompt', async () => {
    const { sessions, diagnostics } = await listSessions({ claudeDir: corpusSource('bradymholt-dotfiles') });
    const titles = Object.fromEntries(sessions.map((s) => [s.sessionId.slice(0, 8), [s.titleSource, s.title]]));
    assert.deepEqual(titles, {
      '7c32ec94': ['summary', 'Refactoring Date Loop for Goal Calculation Optimization'],
      '30128756': ['summary', 'YNAB Accounts Loading State Test Implementation'],
      b6076239: ['prompt', 'In the Ember app (ynab_web/) if I clear a target (uses ClearSubCategoryTargetAction) the goal gets clears and syncs wit…'],
      '63b159ef': ['prompt', 'I want to create a web based app that used the YNAB API (https://api.ynab.com/) to find recurring changes to the same p…'],
      d385a3e4: ['summary', 'Add Goal Deletion Test Expectations Loop'],
      '354b2588': ['summary', 'Database Migration: Reversible Index Sync Refactoring'],
    });
    assert.deepEqual(diagnostics, []);
  });

  it('counts lines and bytes like the files, reads cwd and version, and never lists a flat agent file as a session', async () => {
    const claudeDir = corpusSource('bradymholt-dotfiles');
    const { sessions } = await listSessions({ claudeDir });
    for (const s of sessions) {
      assert.equal(s.lines, fileLines(s.file!).length, `${s.sessionId} lines`);
      assert.equal(s.bytes, fs.statSync(s.file!).size);
      assert.equal(s.errors, 0);
      assert.ok(!s.sessionId.startsWith('agent-'));
    }
    const evergreen = sessions.find((s) => s.sessionId.startsWith('354b2588'))!;
    assert.deepEqual([evergreen.cwd, evergreen.version, evergreen.projectFolder], ['/Users/bholt/dev/evergreen', '2.0.2', '-Users-bholt-dev-evergreen']);
    const summaryOnly = sessions.find((s) => s.sessionId.startsWith('7c32ec94'))!;
    assert.deepEqual([summaryOnly.lines, summaryOnly.cwd, summaryOnly.version], [2, undefined, undefined]);
    assert.ok(sessions.every((s, i) => i === 0 || sessions[i - 1].lastActivity >= s.lastActivity), 'newest first');
  });

  it('counts nested subagents, lists a subagents folder without its main file as an orphan, reads entrypoint', async () => {
    const { sessions } = await listSessions({ claudeDir: corpusSource('4thehalibit-omarchy-backup') });
    const by = (prefix: string) => sessions.find((s) => s.sessionId.startsWith(prefix))!;
    assert.equal(by('8fd119a6').subagents, 2);
    assert.equal(by('8c880a68').subagents, 1);
    assert.equal(by('8c880a68').entrypoint, 'cli');
    const orphan = by('bbe015e3');
    assert.deepEqual(
      { orphan: orphan.orphan, file: orphan.file, lines: orphan.lines, subagents: orphan.subagents, cwd: orphan.cwd, title: orphan.title },
      { orphan: true, file: undefined, lines: 0, subagents: 1, cwd: '/home/vwestberg', title: 'subagents only: Review Omarchy/Hyprland config files' },
    );
    assert.equal((await latestSession({ claudeDir: corpusSource('4thehalibit-omarchy-backup') }))?.orphan, false);
  });

  describe('in a scratch Claude folder', () => {
    let scratch: ScratchClaude;
    beforeEach(() => {
      scratch = new ScratchClaude();
    });
    afterEach(() => scratch.dispose());

    it('prefers a custom title over an AI title over a summary over the prompt, wherever they are in the file', async () => {
      const filler = Array.from({ length: 3000 }, (_, i) => assistantLine(SID.a, `step ${i} ${'x'.repeat(400)}`));
      scratch.session(SID.a, [
        userLine(SID.a, '<local-command-caveat>Caveat: ignore</local-command-caveat>', { isMeta: true }),
        userLine(SID.a, 'the real first prompt'),
        ...filler.slice(0, 1000),
        '{"type":"summary","summary":"A summary","leafUuid":"x"}',
        ...filler.slice(1000, 2000),
        JSON.stringify({ type: 'ai-title', aiTitle: 'AI title', sessionId: SID.a }),
        ...filler.slice(2000),
      ]);
      scratch.session(SID.b, [userLine(SID.b, 'prompt b'), '{"type":"summary","summary":"B summary","leafUuid":"y"}']);
      scratch.session(SID.c, [userLine(SID.c, 'prompt c'), JSON.stringify({ type: 'custom-title', customTitle: 'Renamed', sessionId: SID.c }), JSON.stringify({ type: 'ai-title', aiTitle: 'AI c', sessionId: SID.c })]);
      const { sessions } = await listSessions({ claudeDir: scratch.dir });
      const titles = Object.fromEntries(sessions.map((s) => [s.sessionId, s.title]));
      assert.deepEqual(titles, { [SID.a]: 'AI title', [SID.b]: 'B summary', [SID.c]: 'Renamed' });
    });

    it('takes the title from history.jsonl when the transcript has no prompt, and uses its time as last activity', async () => {
      scratch.session(SID.a, [JSON.stringify({ type: 'permission-mode', permissionMode: 'default', sessionId: SID.a })]);
      fs.writeFileSync(path.join(scratch.dir, 'history.jsonl'), `${JSON.stringify({ display: 'from history', pastedContents: {}, timestamp: 1767890311964, project: '/p', sessionId: SID.a })}\nnot json\n`);
      const [s] = (await listSessions({ claudeDir: scratch.dir })).sessions;
      assert.deepEqual([s.title, s.titleSource, s.lastActivity], ['from history', 'history', 1767890311964]);
    });

    it('titles a session by its first real prompt: slash commands, their output, notifications, interrupts, meta and tool-result lines are skipped', async () => {
      scratch.session(SID.a, [
        userLine(SID.a, 'Caveat: The messages below were generated by the user while running local commands.', { isMeta: true }),
        JSON.stringify({ type: 'user', sessionId: SID.a, toolUseResult: 'x', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'out' }] } }),
        userLine(SID.a, '<command-name>/voice</command-name>\n<command-message>voice</command-message>\n<command-args></command-args>'),
        userLine(SID.a, '<local-command-stdout>Voice mode on</local-command-stdout>'),
        userLine(SID.a, '<task-notification>\n<task-id>b1</task-id>\n<status>completed</status>\n<summary>Background command done</summary>\n</task-notification>'),
        userLine(SID.a, '[Request interrupted by user]'),
        userLine(SID.a, '/model opus'),
        userLine(SID.a, 'Fix the flaky login test'),
      ]);
      const [s] = (await listSessions({ claudeDir: scratch.dir })).sessions;
      assert.equal(s.title, 'Fix the flaky login test');
      assert.equal(s.titleSource, 'prompt');
    });

    it('counts malformed and non-UTF-8 lines as errors, and does not count a partial last line', async () => {
      const file = path.join(scratch.project(), `${SID.a}.jsonl`);
      fs.writeFileSync(file, Buffer.concat([Buffer.from(`${userLine(SID.a, 'hi')}\n{"broken": \n{"bad":"`), Buffer.from([0xff]), Buffer.from(`"}\n{"type":"summary","summ`)]));
      const [s] = (await listSessions({ claudeDir: scratch.dir })).sessions;
      assert.equal(s.lines, 3);
      assert.deepEqual(s.errorKinds, { 'not-json': 1, 'invalid-utf8': 1 });
      assert.equal(s.errors, 2);
    });

    it('finds an invalid byte in a line longer than one read chunk, and none in valid characters split across chunks', async () => {
      const long = JSON.stringify({ type: 'user', text: 'é'.repeat(1024 * 1024) });
      const file = path.join(scratch.project(), `${SID.a}.jsonl`);
      fs.writeFileSync(file, Buffer.concat([Buffer.from(`${long}\n{"x":"`), Buffer.alloc(3 * 1024 * 1024, 'a'), Buffer.from([0x80]), Buffer.from('"}\n')]));
      const [s] = (await listSessions({ claudeDir: scratch.dir })).sessions;
      assert.equal(s.lines, 2);
      assert.deepEqual(s.errorKinds, { 'invalid-utf8': 1 });
    });

    it('attributes flat agent files to the session named inside them', async () => {
      scratch.session(SID.a, [userLine(SID.a, 'main')]);
      const dir = scratch.project();
      fs.writeFileSync(path.join(dir, 'agent-a1b2c3d.jsonl'), `${userLine(SID.a, 'Warmup', { isSidechain: true, agentId: 'a1b2c3d' })}\n`);
      fs.writeFileSync(path.join(dir, 'agent-a9b9c9d.jsonl'), `${userLine(SID.b, 'Warmup', { isSidechain: true })}\n`);
      const { sessions } = await listSessions({ claudeDir: scratch.dir });
      assert.deepEqual(
        sessions.map((s) => [s.sessionId, s.subagents]),
        [[SID.a, 1]],
      );
    });

    it('marks a session live when it was written within two minutes', async () => {
      const hourAgo = new Date(Date.now() - 3600_000);
      const fresh = scratch.session(SID.a, [userLine(SID.a, 'now')]);
      // an hour old by its file and by its newest line ("latest" goes by the newest line, then the file)
      const old = scratch.session(SID.b, [userLine(SID.b, 'then', { timestamp: hourAgo.toISOString() })]);
      fs.utimesSync(old, hourAgo, hourAgo);
      const { sessions } = await listSessions({ claudeDir: scratch.dir });
      assert.deepEqual(Object.fromEntries(sessions.map((s) => [s.sessionId, s.live])), { [SID.a]: true, [SID.b]: false });
      assert.equal((await latestSession({ claudeDir: scratch.dir }))?.file, fresh);
    });

    it('does not mark a freshly copied session live when its newest line is old', async () => {
      scratch.session(SID.a, [userLine(SID.a, 'copied', { timestamp: new Date(Date.now() - 3600_000).toISOString() })]);
      scratch.session(SID.b, [JSON.stringify({ type: 'summary', summary: 'no timestamps', leafUuid: 'x' })]);
      const { sessions } = await listSessions({ claudeDir: scratch.dir });
      assert.deepEqual(Object.fromEntries(sessions.map((s) => [s.sessionId, s.live])), { [SID.a]: false, [SID.b]: true });
    });

    it('filters by project: a folder name as found, or a path containing the session cwd', async () => {
      scratch.session(SID.a, [userLine(SID.a, 'in proj', { cwd: '/home/me/proj/sub' })], '-home-me-proj');
      scratch.session(SID.b, [userLine(SID.b, 'elsewhere', { cwd: '/srv/other' })], '-srv-other');
      const ids = async (project: string) => (await listSessions({ claudeDir: scratch.dir, project })).sessions.map((s) => s.sessionId);
      assert.deepEqual(await ids('-srv-other'), [SID.b]);
      assert.deepEqual(await ids('/home/me/proj'), [SID.a]);
      assert.deepEqual(await ids('/home/me/pro'), []);
    });

    it('reports a project folder it cannot list, and lists the others', async () => {
      scratch.session(SID.a, [userLine(SID.a, 'fine')], '-ok');
      const bad = scratch.project('-bad');
      const asRoot = process.getuid?.() === 0;
      // Tests usually run as root, which chmod 000 does not stop: there the unreadable part is a
      // session whose `<sessionId>/subagents` is a file (ENOTDIR), which must not break the listing.
      if (asRoot) {
        scratch.session(SID.b, [userLine(SID.b, 'with odd subagents')], '-bad');
        fs.mkdirSync(path.join(bad, SID.b));
        fs.writeFileSync(path.join(bad, SID.b, 'subagents'), 'not a folder');
      } else fs.chmodSync(bad, 0o000);
      try {
        const { sessions, diagnostics } = await listSessions({ claudeDir: scratch.dir });
        assert.ok(sessions.some((s) => s.sessionId === SID.a));
        if (asRoot) assert.equal(sessions.find((s) => s.sessionId === SID.b)?.subagents, 0);
        else assert.match(diagnostics.map((d) => d.message).join('\n'), /cannot list project folder .*-bad/);
      } finally {
        fs.chmodSync(bad, 0o755);
      }
    });

    it('says where it looked when there is no projects folder, or it is not a folder', async () => {
      const missing = path.join(scratch.root, 'nowhere');
      await assert.rejects(listSessions({ claudeDir: missing }), (e: Error) => e instanceof ClaudeDirError && e.message.includes(`${missing}/projects does not exist`));
      fs.rmSync(scratch.projects, { recursive: true });
      fs.writeFileSync(scratch.projects, 'a file');
      await assert.rejects(listSessions({ claudeDir: scratch.dir }), /is not a folder/);
    });
  });

  it('finds the Claude folder: the option, else CLAUDE_CONFIG_DIR, else ~/.claude', () => {
    assert.deepEqual(resolveClaudeDir({ claudeDir: '/a', env: { CLAUDE_CONFIG_DIR: '/b' } }), { dir: path.resolve('/a'), source: 'option' });
    assert.deepEqual(resolveClaudeDir({ env: { CLAUDE_CONFIG_DIR: '/b' } }), { dir: path.resolve('/b'), source: 'CLAUDE_CONFIG_DIR' });
    assert.deepEqual(resolveClaudeDir({ env: {}, homedir: '/home/x' }), { dir: path.join('/home/x', '.claude'), source: 'default' });
  });
});
