import assert from 'node:assert/strict';
import type { Item } from '../../../webview-ui/src/model/items';
import { TranscriptModel } from '../../../webview-ui/src/model/transcriptModel';
import { assistant, prompt, toolResult, toolUse } from './lines';

const build = (lines: string[]) => {
  const m = new TranscriptModel();
  m.append(lines);
  return m;
};
const only = <K extends Item['kind']>(m: TranscriptModel, kind: K) => m.items.filter((i): i is Extract<Item, { kind: K }> => i.kind === kind && !i.quiet);

describe('ui model: transcript lines to display items', () => {
  it('shows lines that share one message.id as one message, in file order, even when not contiguous', () => {
    const m = build([
      assistant('msg_1', { type: 'thinking', thinking: 'let me look', signature: 'sig' }),
      assistant('msg_1', { type: 'text', text: 'Looking.' }),
      toolUse('msg_1', 'toolu_a', 'Read', { file_path: '/p/a.ts' }),
      toolResult('toolu_a', 'file text'),
      toolUse('msg_1', 'toolu_b', 'Read', { file_path: '/p/b.ts' }),
      assistant('msg_2', { type: 'text', text: 'Done.' }),
    ]);
    const messages = only(m, 'assistant');
    assert.equal(messages.length, 2);
    assert.deepEqual(messages[0].parts.map((p) => p.kind), ['thinking', 'text', 'tool', 'tool']);
    assert.equal(messages[1].parts.length, 1);
  });

  it('attaches a tool result to its call, and reports the call\'s message as changed', () => {
    const m = new TranscriptModel();
    m.append([toolUse('msg_1', 'toolu_a', 'Bash', { command: 'npm test', description: 'Run tests' })]);
    const message = only(m, 'assistant')[0];
    const change = m.append([toolResult('toolu_a', [{ type: 'text', text: '3 passing' }])]);
    assert.deepEqual(change.changed, [message]);
    assert.equal(message.rev, 1);
    const part = message.parts[0];
    assert.ok(part.kind === 'tool');
    assert.equal(part.call.label, 'npm test');
    assert.deepEqual(part.call.view, { kind: 'command', command: 'npm test', description: 'Run tests' });
    assert.equal(part.call.result?.text, '3 passing');
  });

  it('folds a result written before its call into the call (file order is not time order)', () => {
    const m = new TranscriptModel();
    m.append([toolResult('toolu_x', 'early')]);
    assert.equal(only(m, 'result').length, 1);
    const change = m.append([toolUse('msg_1', 'toolu_x', 'Glob', { pattern: '**/*.ts' })]);
    assert.equal(change.regrouped, true);
    assert.equal(only(m, 'result').length, 0, 'the early result is no longer shown on its own');
    const part = only(m, 'assistant')[0].parts[0];
    assert.ok(part.kind === 'tool' && part.call.result?.text === 'early');
  });

  it('marks permission denials and tool errors', () => {
    const m = build([
      toolUse('msg_1', 'toolu_a', 'Bash', { command: 'rm -rf /' }),
      toolResult('toolu_a', 'Permission to use Bash has been denied.', { is_error: true }),
      toolUse('msg_2', 'toolu_b', 'Read', { file_path: '/nope' }),
      toolResult('toolu_b', '<tool_use_error>File does not exist.</tool_use_error>', { is_error: true }),
    ]);
    const results = only(m, 'assistant').map((i) => (i.parts[0].kind === 'tool' ? i.parts[0].call.result : undefined));
    assert.deepEqual(results.map((r) => [r?.isError, r?.denied, r?.text]), [
      [true, true, 'Permission to use Bash has been denied.'],
      [true, false, 'File does not exist.'],
    ]);
  });

  it('shows an Edit as a line diff and a Write as a new file, paths relative to the session cwd', () => {
    const m = build([
      JSON.stringify({ type: 'user', cwd: '/home/me/app', message: { role: 'user', content: 'fix it' } }),
      toolUse('msg_1', 'toolu_e', 'Edit', { file_path: '/home/me/app/src/a.ts', old_string: 'a\nb\nc', new_string: 'a\nB\nc\nd' }),
      toolUse('msg_2', 'toolu_w', 'Write', { file_path: '/home/me/app/new.md', content: 'one\ntwo\n' }),
    ]);
    const [edit, write] = only(m, 'assistant').map((i) => (i.parts[0].kind === 'tool' ? i.parts[0].call : null));
    assert.equal(edit?.label, 'src/a.ts');
    assert.deepEqual(edit?.view, {
      kind: 'diff',
      path: 'src/a.ts',
      created: false,
      added: 2,
      removed: 1,
      hunks: [[{ op: ' ', text: 'a' }, { op: '-', text: 'b' }, { op: '+', text: 'B' }, { op: ' ', text: 'c' }, { op: '+', text: 'd' }]],
    });
    assert.ok(write?.view.kind === 'diff' && write.view.created && write.view.added === 2 && write.view.removed === 0);
  });

  it('sorts user lines: prompts, slash commands with their output, hidden reminders and meta lines', () => {
    const m = build([
      prompt('<command-name>/model</command-name>\n<command-message>model</command-message>\n<command-args>opus</command-args>'),
      prompt('<local-command-stdout>Set model to opus</local-command-stdout>'),
      prompt('<system-reminder>be brief</system-reminder>'),
      prompt('<local-command-caveat>Caveat: …</local-command-caveat>', { isMeta: true }),
      prompt('Refactor the parser<system-reminder>x</system-reminder>'),
    ]);
    assert.deepEqual(only(m, 'command').map((c) => [c.command, c.output]), [['/model opus', 'Set model to opus']]);
    assert.deepEqual(only(m, 'prompt').map((p) => p.text), ['Refactor the parser']);
    assert.equal(m.items.filter((i) => i.quiet).length, 2);
    assert.equal(m.titles.firstPrompt, 'Refactor the parser');
  });

  it('shows system entries: compaction with its summary, API errors, turn duration, stop-hook failures', () => {
    const m = build([
      JSON.stringify({ type: 'system', subtype: 'compact_boundary', content: 'Conversation compacted', compactMetadata: { trigger: 'auto', preTokens: 155328 } }),
      JSON.stringify({ type: 'user', isCompactSummary: true, message: { role: 'user', content: 'This session is being continued…' } }),
      JSON.stringify({ type: 'system', subtype: 'api_error', error: 'overloaded_error', retryInMs: 4000, retryAttempt: 2, maxRetries: 10, level: 'error' }),
      JSON.stringify({ type: 'system', subtype: 'turn_duration', durationMs: 190610 }),
      JSON.stringify({ type: 'system', subtype: 'stop_hook_summary', hookErrors: ['lint failed'], preventedContinuation: false }),
      JSON.stringify({ type: 'system', subtype: 'stop_hook_summary', hookErrors: [], preventedContinuation: false }),
    ]);
    const [compaction] = only(m, 'compaction');
    assert.equal(compaction.title, 'Conversation compacted · auto · 155k tokens');
    assert.equal(compaction.summary, 'This session is being continued…');
    assert.deepEqual(only(m, 'event').map((e) => [e.tone, e.title]), [
      ['error', 'API error · retrying in 4s (attempt 2/10)'],
      ['info', 'Worked for 3m 11s'],
      ['warning', 'Stop hook failed'],
    ]);
  });

  it('keeps titles and summaries, hides repeated metadata, shows unknown and broken lines as raw JSON', () => {
    const m = build([
      JSON.stringify({ type: 'ai-title', aiTitle: 'Fix the parser' }),
      JSON.stringify({ type: 'ai-title', aiTitle: 'Fix the parser' }),
      JSON.stringify({ type: 'custom-title', customTitle: 'Parser work' }),
      JSON.stringify({ type: 'summary', summary: 'ESLint fix', leafUuid: 'x' }),
      JSON.stringify({ type: 'file-history-snapshot', messageId: 'm' }),
      JSON.stringify({ type: 'marble-origami-commit', payload: 1 }),
      '{"type":"user", broken',
    ]);
    assert.deepEqual(m.titles, { ai: 'Fix the parser', custom: 'Parser work', summary: 'ESLint fix' });
    assert.deepEqual(only(m, 'summary').map((s) => s.text), ['ESLint fix']);
    const raw = only(m, 'raw');
    assert.deepEqual(raw.map((r) => r.label.split(' (')[0]), ['marble-origami-commit entry', 'Unreadable line']);
    assert.equal(raw[1].raw, '{"type":"user", broken');
    assert.equal(m.invalidLines, 1);
  });

  it('drops agent_progress copies (the subagent file has them) and marks inline sidechains', () => {
    const m = build([
      JSON.stringify({ type: 'progress', data: { type: 'agent_progress', message: {} } }),
      JSON.stringify({ type: 'progress', data: { type: 'bash_progress' } }),
      assistant('msg_s', { type: 'text', text: 'sub' }, { isSidechain: true }),
    ]);
    assert.equal(m.items.length, 2);
    assert.equal(only(m, 'assistant')[0].sidechain, true);
    const inAgentFile = new TranscriptModel({ markSidechains: false });
    inAgentFile.append([assistant('msg_s', { type: 'text', text: 'sub' }, { isSidechain: true })]);
    assert.equal(inAgentFile.items[0].sidechain, false);
  });

  it('flags synthetic and API-error assistant lines as notices', () => {
    const m = build([assistant('0f1e', { type: 'text', text: 'Prompt is too long' }, { message: { id: '0f1e', model: '<synthetic>', content: [{ type: 'text', text: 'Prompt is too long' }] } })]);
    assert.equal(only(m, 'assistant')[0].notice, true);
  });

  it('appends incrementally: a line added to a long session creates one item and touches nothing else', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(i % 2 ? assistant(`msg_${i}`, { type: 'text', text: `answer ${i}` }) : prompt(`question ${i}`));
    const m = build(lines);
    const before = m.items.slice();
    const change = m.append([assistant('msg_new', { type: 'text', text: 'new' })]);
    assert.equal(change.added.length, 1);
    assert.deepEqual(change.changed, []);
    assert.equal(m.items.length, before.length + 1);
    assert.ok(before.every((item, i) => m.items[i] === item && item.rev === 0), 'earlier items are the same objects, unchanged');
  });

  it('numbers items by absolute line index when it starts mid-file', () => {
    const m = new TranscriptModel({ firstLine: 1000 });
    m.append([prompt('a'), prompt('bb')]);
    assert.deepEqual(m.items.map((i) => i.key), [1000, 1001]);
  });

  it('folds API errors in a row into one row with the count and the last error; another row starts a new group', () => {
    const apiError = (attempt: number, error: string) => JSON.stringify({ type: 'system', subtype: 'api_error', level: 'error', error, retryInMs: 500, retryAttempt: attempt, maxRetries: 10 });
    const meta = JSON.stringify({ type: 'file-history-snapshot', messageId: 'm', snapshot: {} });
    const m = new TranscriptModel();
    m.append([apiError(1, 'overloaded 1'), meta, apiError(2, 'overloaded 2')]);
    const change = m.append([apiError(3, 'overloaded 3')]);
    m.append([prompt('carry on'), apiError(1, 'rate limited')]);
    const events = only(m, 'event');
    assert.equal(events.length, 2);
    assert.equal(events[0].title, 'API error · retrying in 500ms (attempt 3/10) · 3 errors in a row');
    assert.equal(events[0].detail, 'overloaded 3');
    assert.deepEqual(change.changed, [events[0]], 'the grouped row is updated in place');
    assert.equal(events[1].title, 'API error · retrying in 500ms (attempt 1/10)');
  });
});
