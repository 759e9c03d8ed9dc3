import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { Origin, appendLines, replaceLinesFrom, transcriptRoom } from '../../../protocol/src';
import { TAIL_LINES, TranscriptFeed, appendedLines } from '../../../webview-ui/src/data/transcriptFeed';
import { assistant, prompt } from './lines';

// A scheduler the test runs by hand, so "built in slices between frames" is observable without timers.
function manualScheduler() {
  const tasks: (() => void)[] = [];
  return {
    schedule: (task: () => void) => {
      tasks.push(task);
      return () => tasks.splice(tasks.indexOf(task), 1);
    },
    runAll: () => {
      while (tasks.length) tasks.shift()!();
    },
  };
}

describe('ui feed: a Y.Array of lines kept as display items', () => {
  const session = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? assistant(`msg_${i}`, { type: 'text', text: `a${i}` }) : prompt(`q${i}`)));

  it('shows the tail of a long session at once, then the whole session once built in slices', () => {
    const doc = new Y.Doc();
    appendLines(doc, session(10_000), Origin.fixture);
    const clock = manualScheduler();
    const feed = new TranscriptFeed(transcriptRoom(doc).lines, {}, clock.schedule);
    let view = feed.view();
    assert.equal(view.complete, false);
    assert.equal(view.items.length, TAIL_LINES);
    assert.equal(view.items[0].key, 10_000 - TAIL_LINES, 'keys are absolute line indexes');
    appendLines(doc, [prompt('during the build')], Origin.tail);
    assert.equal(feed.view().items.length, TAIL_LINES + 1, 'appends show at once, build or not');
    clock.runAll();
    view = feed.view();
    assert.equal(view.complete, true);
    assert.equal(view.items.length, 10_001);
    assert.equal(view.items[0].key, 0);
    feed.dispose();
  });

  it('appends live lines incrementally and starts over when the host rewrites the tail', () => {
    const doc = new Y.Doc();
    appendLines(doc, session(4), Origin.fixture);
    const feed = new TranscriptFeed(transcriptRoom(doc).lines);
    let notified = 0;
    feed.subscribe(() => notified++);
    const firstItems = feed.view().items.slice();
    appendLines(doc, [prompt('live')], Origin.tail);
    assert.equal(notified, 1);
    assert.equal(feed.view().items.length, 5);
    assert.ok(firstItems.every((item, i) => feed.view().items[i] === item), 'an append keeps the existing items');
    replaceLinesFrom(doc, 2, [prompt('rewritten')], Origin.tail);
    const after = feed.view().items;
    assert.equal(after.length, 3);
    assert.ok(after[2].kind === 'prompt' && after[2].text === 'rewritten');
    assert.notEqual(after[0], firstItems[0], 'a rewrite builds a new model');
    feed.dispose();
    appendLines(doc, [prompt('after dispose')], Origin.tail);
    assert.equal(feed.view().items.length, 3, 'a disposed feed no longer listens');
  });

  it('shows metadata rows only in verbose mode', () => {
    const doc = new Y.Doc();
    appendLines(doc, [prompt('hi'), JSON.stringify({ type: 'permission-mode', permissionMode: 'default' })], Origin.fixture);
    const feed = new TranscriptFeed(transcriptRoom(doc).lines);
    assert.equal(feed.view().items.length, 1);
    feed.setVerbose(true);
    assert.equal(feed.view().items.length, 2);
    feed.dispose();
  });

  it('tells an append from any other change', () => {
    assert.deepEqual(appendedLines([{ insert: ['a'] }], 1), ['a']);
    assert.deepEqual(appendedLines([{ retain: 3 }, { insert: ['a', 'b'] }], 5), ['a', 'b']);
    assert.equal(appendedLines([{ retain: 1 }, { insert: ['a'] }], 5), null, 'an insert in the middle');
    assert.equal(appendedLines([{ retain: 1 }, { delete: 2 }, { insert: ['a'] }], 2), null);
    assert.equal(appendedLines([{ retain: 2 }, { delete: 1 }], 2), null);
  });
});
