import * as vscode from 'vscode';

// Who can open a share's links, told when a share starts: a relay on loopback is reachable only from this
// computer (or, in a remote window, through VS Code's port forwarding), which a user would not guess.

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i;

export type LinkReach = 'anyone' | 'this-computer' | 'forwarded';

/** How far `link` (any URL on the share's relay) reaches from a window with `remoteName` (vscode.env.remoteName). */
export function linkReach(link: string, remoteName: string | undefined): LinkReach {
  if (!LOOPBACK.test(new URL(link).hostname)) return 'anyone';
  return remoteName ? 'forwarded' : 'this-computer';
}

/**
 * The "now sharing" notification: the title, who can open the links, and buttons to copy one; a loopback relay
 * also offers to set one the team can reach.
 */
export async function announceShare(title: string, link: string, copy: (kind: 'observer' | 'prompter') => unknown): Promise<void> {
  const reach = linkReach(link, vscode.env.remoteName);
  const copyObserver = vscode.l10n.t('Copy Observer Link');
  const copyPrompter = vscode.l10n.t('Copy Prompter Link');
  const setRelay = vscode.l10n.t('Set a Relay…');
  const sharing = vscode.l10n.t('Sharing “{0}”.', title);
  const message =
    reach === 'anyone'
      ? sharing
      : reach === 'this-computer'
        ? `${sharing} ${vscode.l10n.t('Only this computer can open its links: they point at the relay inside VS Code on 127.0.0.1. To share with teammates, set a relay they can reach.')}`
        : `${sharing} ${vscode.l10n.t('Its links reach the relay through VS Code’s port forwarding: they open where this window is shown. Teammates can open them only if you make the forwarded port public (Codespaces: Ports view, Port Visibility) or forward it to them yourself (Remote-SSH); or set a relay they can reach.')}`;
  const buttons = reach === 'anyone' ? [copyObserver, copyPrompter] : [copyObserver, setRelay];
  const pick = await vscode.window.showInformationMessage(message, ...buttons);
  if (pick === copyObserver) await copy('observer');
  else if (pick === copyPrompter) await copy('prompter');
  else if (pick === setRelay) await vscode.commands.executeCommand('workbench.action.openSettings', 'tandem.relayUrl');
}
