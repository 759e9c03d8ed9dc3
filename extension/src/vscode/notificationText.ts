import { visibleText } from '../../../protocol/src';

// VS Code's own markup in text an extension shows: a notification turns `[label](https:…|command:…|file:…)`
// into a link (a command link runs a command when clicked), and quick picks and notifications draw `$(name)`
// as an icon. Text from the network is escaped first (visibleText), then loses that markup: a prompt or a
// tool input cannot add a button-like link or a ✓ icon to the question it is the subject of.

/** `text` as VS Code UI text: controls escaped, no link or icon markup. */
export function uiText(text: string, opts: { singleLine?: boolean } = {}): string {
  return visibleText(text, opts).replace(/\]\(/g, '] (').replace(/\$\(/g, '$ (');
}
