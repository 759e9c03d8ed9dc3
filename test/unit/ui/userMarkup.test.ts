import assert from 'node:assert/strict';
import { classifyUserMarkup, titleText } from '../../../protocol/src';
import { readableLine } from '../../../extension/src/cli/transcriptText';
import type { Item } from '../../../webview-ui/src/model/items';
import { TranscriptModel } from '../../../webview-ui/src/model/transcriptModel';
import { prompt, toolResult, toolUse } from './lines';

// Claude Code's internal markup in user lines (transcript-format.md §6), shaped as in the real corpus,
// is shown as what it is by the viewer's model and by `tandem open`, through protocol's one classifier.

const TASK = '<task-notification>\n<task-id>b9fbd81</task-id>\n<output-file>/tmp/tasks/b9fbd81.output</output-file>\n<status>failed</status>\n<summary>Background command "Start dev server" failed with exit code 1</summary>\n</task-notification>\nRead the output file to retrieve the result: /tmp/tasks/b9fbd81.output';
const COMMAND = '<command-message>voice</command-message>\n<command-name>/voice</command-name>\n<command-args></command-args>';
const STDOUT = '<local-command-stdout>Voice mode enabled</local-command-stdout>';
const STDERR = '<local-command-stderr>Error: no microphone</local-command-stderr>';
const REMINDER = '<system-reminder>\nThe TodoWrite tool has not been used recently.\n</system-reminder>';
const system = (content: string) => JSON.stringify({ type: 'system', subtype: 'local_command', content, level: 'info' });

const visible = (lines: string[]) => {
  const m = new TranscriptModel();
  m.append(lines);
  return { model: m, items: m.items.filter((i) => !i.quiet) };
};

describe('internal markup: one classifier for the viewer, tandem open and titles', () => {
  it('classifies each kind of markup', () => {
    assert.deepEqual(classifyUserMarkup(COMMAND), { kind: 'command', command: '/voice' });
    assert.deepEqual(classifyUserMarkup(STDOUT), { kind: 'output', stdout: 'Voice mode enabled', stderr: '' });
    assert.deepEqual(classifyUserMarkup(STDERR), { kind: 'output', stdout: '', stderr: 'Error: no microphone' });
    assert.deepEqual(classifyUserMarkup(TASK), { kind: 'task', status: 'failed', summary: 'Background command "Start dev server" failed with exit code 1', detail: 'Read the output file to retrieve the result: /tmp/tasks/b9fbd81.output' });
    assert.deepEqual(classifyUserMarkup('[Request interrupted by user]'), { kind: 'interrupt', toolUse: false });
    assert.deepEqual(classifyUserMarkup('[Request interrupted by user for tool use]'), { kind: 'interrupt', toolUse: true });
    assert.deepEqual(classifyUserMarkup(REMINDER), { kind: 'reminder', reminders: ['The TodoWrite tool has not been used recently.'] });
    assert.deepEqual(classifyUserMarkup(`Fix the bug\n${REMINDER}`), { kind: 'prompt', text: 'Fix the bug', reminders: ['The TodoWrite tool has not been used recently.'] });
    assert.equal(classifyUserMarkup('I typed <command-name>/x</command-name> in my prompt').kind, 'prompt', 'markup quoted inside a prompt is the prompt');
  });

  it('titles only what a person typed', () => {
    for (const t of [COMMAND, STDOUT, TASK, REMINDER, '[Request interrupted by user]', '/voice', '/model opus', 'Caveat: The messages below…']) assert.equal(titleText(t), undefined, t);
    assert.equal(titleText('/home/me/app is broken'), '/home/me/app is broken', 'a path is not a command');
    assert.equal(titleText(`Fix   the\nbug ${REMINDER}`), 'Fix the bug');
  });

  it('the viewer shows a task notification, command output, an interrupt and reminders as what they are, never as prompts', () => {
    const { model, items } = visible([
      prompt(COMMAND),
      prompt(STDOUT),
      prompt(TASK),
      system(STDERR),
      prompt('[Request interrupted by user]'),
      prompt(REMINDER),
      toolUse('msg_1', 'toolu_1', 'Bash', { command: 'ls' }),
      toolResult('toolu_1', `a.txt\n${REMINDER}`),
      prompt('Now fix the login test'),
    ]);
    const shape = items.map((i) => [i.kind, i.kind === 'event' ? i.title : i.kind === 'command' ? `${i.command}|${i.output}|${i.failed}` : i.kind === 'prompt' ? i.text : '']);
    assert.deepEqual(shape, [
      ['command', '/voice|Voice mode enabled|false'],
      ['event', 'Background task failed · Background command "Start dev server" failed with exit code 1'],
      ['command', '|Error: no microphone|true'],
      ['event', 'Interrupted by user'],
      ['assistant', ''],
      ['prompt', 'Now fix the login test'],
    ]);
    const reminder = model.items.find((i): i is Extract<Item, { kind: 'reminder' }> => i.kind === 'reminder');
    assert.ok(reminder?.quiet, 'a reminder line is shown with the details');
    const call = items[4].kind === 'assistant' ? items[4].parts[0] : undefined;
    assert.ok(call?.kind === 'tool');
    assert.equal(call.call.result?.text, 'a.txt', 'the reminder is taken out of the tool result');
    assert.deepEqual(call.call.result?.reminders, ['The TodoWrite tool has not been used recently.']);
    assert.equal(model.titles.firstPrompt, 'Now fix the login test');
    assert.equal((items[1] as Extract<Item, { kind: 'event' }>).tone, 'error', 'a failed task is an error');
  });

  it('tandem open prints them as what they are, and nothing for an empty output or a reminder', () => {
    const text = (raw: string) => readableLine(raw).join('\n');
    assert.equal(text(prompt(COMMAND)), '› /voice');
    assert.equal(text(prompt(STDOUT)), '  ⎿ Voice mode enabled');
    assert.equal(text(system('<local-command-stdout></local-command-stdout>')), '');
    assert.equal(text(system(STDERR)), '  ⎿ Error: no microphone (error)');
    assert.equal(text(prompt(TASK)), '⏺ Background task failed: Background command "Start dev server" failed with exit code 1');
    assert.equal(text(prompt('[Request interrupted by user for tool use]')), '  ⎿ Interrupted by user (the tool was not run)');
    assert.equal(text(prompt(REMINDER)), '');
    assert.equal(text(toolResult('toolu_1', `a.txt\n${REMINDER}`)), '  ⎿ a.txt');
  });
});
