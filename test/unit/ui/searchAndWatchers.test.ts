import assert from 'node:assert/strict';
import { PresenceState, bindPresence } from '../../../protocol/src';
import { searchItems } from '../../../webview-ui/src/model/search';
import { TranscriptModel } from '../../../webview-ui/src/model/transcriptModel';
import { groupWatchers, type Presence } from '../../../webview-ui/src/model/watchers';
import { assistant, prompt, toolResult, toolUse } from './lines';

describe('ui model: find over display items', () => {
  const model = new TranscriptModel();
  model.append([
    prompt('Find the Needle in here'),
    toolUse('msg_1', 'toolu_1', 'Bash', { command: 'grep -r needle src' }), // shown once, as the label
    toolResult('toolu_1', 'src/a.ts: needle\nsrc/b.ts: NEEDLE'),
    toolUse('msg_2', 'toolu_2', 'Edit', { file_path: '/p/x.ts', old_string: 'a', new_string: 'needle()' }),
    assistant('msg_3', { type: 'thinking', thinking: 'the needle again', signature: 's' }),
  ]);
  const items = model.items.filter((i) => !i.quiet);

  it('finds every occurrence case-insensitively in prompts, tool inputs, outputs, diffs and thinking, naming the collapsible to open', () => {
    const { hits, capped } = searchItems(items, 'needle');
    assert.equal(capped, false);
    assert.deepEqual(
      hits.map((h) => [h.key, h.nth, h.expand]),
      [
        [0, 0, undefined],
        [1, 0, undefined],
        [1, 1, '1:0:r'],
        [1, 2, '1:0:r'],
        [3, 0, '3:0:diff'],
        [4, 0, '4:0'],
      ],
    );
  });

  it('treats the query as text, not a pattern, and caps the hit count', () => {
    assert.equal(searchItems(items, '.*').hits.length, 0);
    assert.equal(searchItems(items, '').hits.length, 0);
    const capped = searchItems(items, 'e', 3);
    assert.deepEqual([capped.hits.length, capped.capped], [3, true]);
  });
});

describe('presence: display names and one entry per person', () => {
  const p = (over: Partial<Presence>): Presence => ({ name: 'observer 3fa2b1', role: 'observer', client: 'browser', id: 1, self: false, ...over });

  it('keeps a valid viewer id through the relay binding and drops a malformed one', () => {
    const claims = { role: 'observer' as const, jti: 'abcdef123456', name: undefined };
    assert.equal(bindPresence({ user: { client: 'browser', viewerId: 'abcdefgh12' } }, claims)?.user.viewerId, 'abcdefgh12');
    assert.equal(bindPresence({ user: { client: 'browser', viewerId: 'x y<script>' } }, claims)?.user.viewerId, undefined);
    assert.equal(PresenceState.safeParse({ user: { name: 'V', role: 'observer', client: 'browser', viewerId: 'x y' } }).success, false);
  });

  it('shows a display name as self-chosen beside the link, and counts one viewer id once per link identity', () => {
    const watchers = groupWatchers([
      p({ id: 1, viewerId: 'ana-device-1', displayName: 'Ana', client: 'vscode', self: true }),
      p({ id: 2, viewerId: 'ana-device-1', displayName: 'Ana', client: 'browser' }),
      p({ id: 3, viewerId: 'olu-device-2', name: 'Olu', role: 'prompter', displayName: 'Boss' }),
      // another link's holder copying Ana's viewer id is not hidden inside her entry
      p({ id: 4, viewerId: 'ana-device-1', name: 'Mallory', displayName: 'Ana' }),
      p({ id: 5, name: 'Chris' }),
    ]);
    assert.deepEqual(
      watchers.map((w) => [w.label, w.clients.join('+'), w.self]),
      [
        ['Ana (observer link 3fa2b1)', 'vscode+browser', true],
        ['Ana (observer link for Mallory)', 'browser', false],
        ['Boss (prompter link for Olu)', 'browser', false],
        ['Chris', 'browser', false],
      ],
    );
  });
});
