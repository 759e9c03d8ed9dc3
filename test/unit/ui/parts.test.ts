import assert from 'node:assert/strict';
import { HostToWebview, WebviewToHost, dispatchMessage, type MessageHandlers } from '../../../protocol/src';
import { imageSrc, safeImage } from '../../../webview-ui/src/model/images';
import { lineDiff } from '../../../webview-ui/src/model/lineDiff';
import { queueRows } from '../../../webview-ui/src/model/queueView';
import { subagentPath } from '../../../webview-ui/src/model/subagents';
import { describeTool } from '../../../webview-ui/src/model/toolView';

describe('ui model: parts', () => {
  it('lets only base64 raster images through, as data: URLs', () => {
    const png = { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' };
    const shown = safeImage(png);
    assert.ok(shown);
    assert.equal(imageSrc(shown), 'data:image/png;base64,iVBORw0KGgo=');
    assert.equal(safeImage({ ...png, media_type: 'image/svg+xml' }), null, 'SVG can carry script');
    assert.equal(safeImage({ ...png, media_type: 'text/html' }), null);
    assert.equal(safeImage({ type: 'url', url: 'https://tracker.example/pixel.png' }), null, 'no remote images');
    const smuggled = safeImage({ ...png, data: 'AAAA");alert(1);//' + 'A'.repeat(2) });
    assert.equal(smuggled && imageSrc(smuggled), null, 'a payload that is not plain base64 is never drawn');
  });

  it('diffs lines with an LCS and degrades to remove-all/add-all past its bound', () => {
    assert.deepEqual(lineDiff('x\ny\nz', 'x\nz'), [{ op: ' ', text: 'x' }, { op: '-', text: 'y' }, { op: ' ', text: 'z' }]);
    const big = (tag: string) => Array.from({ length: 1200 }, (_, i) => `${tag}${i}`).join('\n');
    const d = lineDiff(big('a'), big('b'));
    assert.equal(d.length, 2400);
    assert.ok(d.slice(0, 1200).every((l) => l.op === '-') && d.slice(1200).every((l) => l.op === '+'));
  });

  it('summarises tools, MCP re-exports of the built-ins, Task subagents and unknown tools', () => {
    assert.equal(describeTool('mcp__acp__Bash', { command: 'ls\npwd' }, '').label, 'ls');
    assert.deepEqual(describeTool('Grep', { pattern: 'TODO', path: '/r/src', glob: '*.ts' }, '/r').view, { kind: 'summary', text: '"TODO" in src (*.ts)' });
    assert.deepEqual(describeTool('Task', { description: 'Find it', subagent_type: 'Explore', prompt: 'look' }, '').view, {
      kind: 'agent',
      description: 'Find it',
      agentType: 'Explore',
      prompt: 'look',
    });
    const todo = describeTool('TodoWrite', { todos: [{ content: 'a', status: 'completed' }, { content: 'b', status: 'in_progress' }] }, '');
    assert.equal(todo.label, '2 todos');
    const other = describeTool('mcp__chrome__take_screenshot', { format: 'png' }, '');
    assert.equal(other.view.kind, 'json');
    assert.equal(describeTool('Read', 'not an object', '').label, '');
  });

  it('finds a subagent transcript in either side-file layout', () => {
    const paths = ['4ee0e48e-16e0-4f55-9548-e31cca6f4846/subagents/agent-affe870.jsonl', 'agent-a227a46.jsonl', '4ee0e48e-16e0-4f55-9548-e31cca6f4846/tool-results/x.txt'];
    assert.equal(subagentPath(paths, 'affe870'), paths[0]);
    assert.equal(subagentPath(paths, 'a227a46'), paths[1]);
    assert.equal(subagentPath(paths, 'ffe870'), undefined, 'ids match whole file names only');
  });

  it('joins queued prompts with the host\'s run statuses and pending cancels', () => {
    const p = (id: string) => ({ id, text: 't', author: 'ana', tokenId: 'ana-token', createdAt: 1, kind: 'resume' as const });
    const rows = queueRows([p('prompt-001'), p('prompt-002'), p('prompt-003')], new Map([['prompt-002', { promptId: 'prompt-002', state: 'done' as const, updatedAt: 2 }]]), new Set(['prompt-003']));
    assert.deepEqual(rows.map((r) => [r.state, r.canCancel, r.cancelRequested]), [
      ['queued', true, false],
      ['done', false, false],
      ['queued', false, true],
    ]);
  });
});

describe('protocol: webview messages', () => {
  it('parses each direction with its own union and calls the one handler for the type', () => {
    const seen: string[] = [];
    const handlers: MessageHandlers<HostToWebview> = {
      init: (m) => seen.push(`init ${m.link}`),
      focusComposer: () => seen.push('focus'),
      local: (m) => seen.push(`local ${m.update.byteLength}`),
      localUpdate: (m) => seen.push(`update ${m.update.byteLength}`),
      pending: (m) => seen.push(`pending ${m.cards.length}`),
    };
    assert.equal(dispatchMessage(HostToWebview, handlers, { type: 'init', link: 'http://r/s/x#t=y' }), null);
    assert.equal(dispatchMessage(HostToWebview, handlers, { type: 'focusComposer' }), null);
    assert.deepEqual(seen, ['init http://r/s/x#t=y', 'focus']);
    assert.match(dispatchMessage(HostToWebview, handlers, { type: 'ready' }) ?? '', /type/);
    assert.match(dispatchMessage(HostToWebview, handlers, { type: 'init' }) ?? '', /link/);
    assert.match(dispatchMessage(HostToWebview, handlers, 'init') ?? '', /message/);
    assert.equal(WebviewToHost.safeParse({ type: 'status', connection: 'synced', title: 'x' }).success, true);
    assert.equal(WebviewToHost.safeParse({ type: 'status', connection: 'hacked' }).success, false);
  });

  it('carries a local session as Yjs bytes and pending cards with bounded answers', () => {
    const seen: string[] = [];
    const handlers: MessageHandlers<HostToWebview> = { init: () => 0, focusComposer: () => 0, local: (m) => seen.push(`local ${m.update.byteLength}`), localUpdate: () => 0, pending: (m) => seen.push(m.cards[0].answers.join('/')) };
    assert.equal(dispatchMessage(HostToWebview, handlers, { type: 'local', update: new Uint8Array(3) }), null);
    assert.match(dispatchMessage(HostToWebview, handlers, { type: 'local', update: [1, 2, 3] }) ?? '', /Uint8Array/);
    const card = { id: 'prompt:1', kind: 'Remote prompts', label: 'Ana wants to run a prompt', detail: 'hi', answers: ['Approve', 'Reject'] };
    assert.equal(dispatchMessage(HostToWebview, handlers, { type: 'pending', cards: [card] }), null);
    assert.deepEqual(seen, ['local 3', 'Approve/Reject']);
    assert.equal(WebviewToHost.safeParse({ type: 'answer', id: 'prompt:1', answer: 0 }).success, true);
    assert.equal(WebviewToHost.safeParse({ type: 'answer', id: 'prompt:1', answer: 9 }).success, false);
  });
});
