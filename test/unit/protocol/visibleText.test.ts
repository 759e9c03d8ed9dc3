import assert from 'node:assert/strict';
import { visibleText } from '../../../protocol/src';
import { shownName, shownText } from '../../../webview-ui/src/model/format';

describe('protocol: visibleText, the neutraliser for network text', () => {
  it('shows ESC, CSI, OSC, DCS, C1 and other controls as escapes', () => {
    assert.equal(visibleText('a\u001b[2J\u001b]0;t\u0007\u001bPq\u001b\\\u009b31m\r\u0000z'), 'a\\u001b[2J\\u001b]0;t\\u0007\\u001bPq\\u001b\\\\u009b31m\\u000d\\u0000z');
  });

  it('shows bidi embeddings, overrides, isolates and marks as escapes', () => {
    for (const c of ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c']) {
      assert.equal(visibleText(`e${c}x`), `e\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}x`);
    }
  });

  it('shows invisible formatting as escapes, but keeps emoji joiners, tabs and newlines', () => {
    assert.equal(visibleText('a\u200bb\ufeffc\u00add\u2060e\u{e0041}'), 'a\\u200bb\\ufeffc\\u00add\\u2060e\\u{e0041}');
    assert.equal(visibleText('ad\u200dmin'), 'ad\\u200dmin');
    assert.equal(visibleText('👩\u200d💻 team\tok\nnext'), '👩\u200d💻 team\tok\nnext');
    assert.equal(visibleText('one\ntwo', { singleLine: true }), 'one\\ntwo');
  });

  it('is what the viewer shows for names, authors and queue text', () => {
    assert.equal(shownName('mal\u202elive\nx'), 'mal\\u202elive\\nx');
    assert.equal(shownText('run \u2066this\u2069\nnow'), 'run \\u2066this\\u2069\nnow');
  });
});
