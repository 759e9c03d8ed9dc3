import type * as vscode from 'vscode';
import type { TandemApi } from './api';
import { createTandem } from './container';

export function activate(context: vscode.ExtensionContext): TandemApi {
  return createTandem(context);
}

// Everything is owned by context.subscriptions, which VS Code disposes on deactivation.
export function deactivate(): void {}
