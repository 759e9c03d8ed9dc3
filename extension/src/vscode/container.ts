import * as vscode from 'vscode';

/** The composition root: constructs every service once and wires them. */
export function createTandem(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Tandem', { log: true });
  context.subscriptions.push(log);
}
