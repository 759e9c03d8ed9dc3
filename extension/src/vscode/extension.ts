import type * as vscode from 'vscode';
import type { TandemApi } from './api';
import { createTandem, type Tandem } from './container';

// The one piece of module state: what deactivate() must finish (flush the embedded relay's rooms).
let tandem: Tandem | undefined;

export function activate(context: vscode.ExtensionContext): TandemApi {
  tandem = createTandem(context);
  return tandem.api;
}

/** Everything else is owned by context.subscriptions, which VS Code disposes after this settles. */
export function deactivate(): Promise<void> | undefined {
  return tandem?.shutdown();
}
