// What the VS Code tests share: the extension under test, the paths the harness passes in, screenshots.
import path from 'node:path';
import * as vscode from 'vscode';
import type { TandemApi } from '../../extension/src/vscode/api';

export const EXTENSION_ID = 'tandem-dev.tandem';

export function tandemExtension(): vscode.Extension<TandemApi> {
  const ext = vscode.extensions.getExtension<TandemApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded in this VS Code (neither installed nor under development)`);
  return ext;
}

/** The activated extension's API (activate()'s return value). */
export async function tandemApi(): Promise<TandemApi> {
  return tandemExtension().activate();
}

/** The repository the suite was built from (the extension itself may be an installed .vsix elsewhere). */
export const repoRoot = process.env.TANDEM_REPO_ROOT ?? path.resolve(__dirname, '../..');

export const corpusDir = path.resolve(repoRoot, '../shared/corpus/real');

/** Sets `tandem.<key>` in the user settings (undefined removes it). */
export async function setTandemSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('tandem').update(key, value, vscode.ConfigurationTarget.Global);
}
