import type * as vscode from 'vscode';
import { createTandem } from './container';

export function activate(context: vscode.ExtensionContext): void {
  createTandem(context);
}

export function deactivate(): void {}
