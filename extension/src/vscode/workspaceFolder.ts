import * as vscode from 'vscode';

/**
 * The first workspace folder as a path on this machine, or undefined when there is none or it is virtual
 * (a `vscode-vfs:` or other non-file folder has no path Claude Code or the shell could use).
 */
export function workspaceFolderPath(): string | undefined {
  const uri = vscode.workspace.workspaceFolders?.[0]?.uri;
  return uri?.scheme === 'file' ? uri.fsPath : undefined;
}
