// The one neutraliser for text that came from the network (names, authors, prompts, results,
// transcript text) before a terminal or the DOM shows it. Every character that could act instead of
// being read is replaced by its visible escape (`\u001b`, `\u202e`): C0 and C1 controls (so no
// ESC, CSI, OSC or DCS sequence reaches a terminal), bidi embeddings, overrides, isolates and marks
// (so "evil" with U+202E cannot show as "live"), line and paragraph separators, and invisible
// formatting (zero-width spaces, joiners outside emoji, word joiners, BOM, soft hyphen, tag
// characters, fillers). Tabs stay, and newlines stay unless `singleLine` is set.

const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u200c\u200e\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}]|(?<![\p{Extended_Pictographic}\u{fe0f}\u{1f3fb}-\u{1f3ff}])\u200d/gu;

function escape(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control and invisible formatting character shown as its escape. */
export function visibleText(text: string, opts: { singleLine?: boolean } = {}): string {
  const safe = text.replace(UNSAFE, escape);
  return opts.singleLine ? safe.replace(/\n/g, '\\n') : safe;
}
