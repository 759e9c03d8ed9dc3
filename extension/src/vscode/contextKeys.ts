import * as vscode from 'vscode';

// The `when`-clause context keys the extension sets (package.json menus, viewsWelcome). One writer each.
export type ContextKeys = {
  /** this window shares at least one session: Copy … Link and Stop Sharing can act */
  'tandem.sharing': boolean;
  /** the embedded relay runs: Stop Embedded Relay can act */
  'tandem.relayRunning': boolean;
  /** something waits for the user's answer (remote prompts, later tool permissions) */
  'tandem.pending': boolean;
  /** what the Sessions view can show: its welcome content follows this */
  'tandem.sessionsState': 'loading' | 'missing' | 'failed' | 'empty' | 'listed';
  /** the sidebar viewer shows a share link (Open in Editor Tab can act) */
  'tandem.viewerHasLink': boolean;
};

export function setContext<K extends keyof ContextKeys>(key: K, value: ContextKeys[K]): void {
  void vscode.commands.executeCommand('setContext', key, value);
}
