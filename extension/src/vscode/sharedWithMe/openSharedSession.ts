import * as vscode from 'vscode';
import { checkPastedLink } from '../linkProblems';
import { UserFacingError } from '../commands';
import type { SharedLink, SharedLinks } from './sharedLinks';

/**
 * "Open Shared Session…": takes a link (from a tree item or a caller) or asks for one, checks it, remembers it
 * under Shared with me and returns its entry. Undefined when the user cancelled.
 */
export async function pickSharedLink(links: SharedLinks, arg: unknown): Promise<SharedLink | undefined> {
  const given = typeof arg === 'string' ? arg : isLinkItem(arg) ? arg.link : undefined;
  const text =
    given ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Open Shared Session'),
      prompt: vscode.l10n.t('Paste the link a teammate sent you'),
      placeHolder: 'http://relay.example.com/s/…#t=…',
      ignoreFocusOut: true,
      validateInput: (value) => {
        const r = value.trim() === '' ? null : checkPastedLink(value);
        return r && !r.ok ? r.message : undefined;
      },
    }));
  if (text === undefined || text.trim() === '') return undefined;
  const checked = checkPastedLink(text);
  if (!checked.ok) throw new UserFacingError(checked.message);
  return links.add(text.trim());
}

function isLinkItem(arg: unknown): arg is { link: string } {
  return typeof arg === 'object' && arg !== null && typeof (arg as { link?: unknown }).link === 'string';
}
