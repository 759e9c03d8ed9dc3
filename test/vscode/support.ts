// What the VS Code tests share: the extension under test, the paths the harness passes in, screenshots.
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { TandemApi } from '../../extension/src/vscode/api';
import { waitFor as waitForCondition } from '../helpers/waitFor';

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

/**
 * Asks the harness for a screenshot of the workbench (test-artifacts/vscode/NAME.png) once `waitFor` (a Playwright
 * selector; prefix `webview:` for the session viewer's page) is visible, and waits until it is written. Rejects
 * when the selector never shows: the screenshot doubles as a check that the real UI rendered. Under
 * @vscode/test-cli nobody answers, so it resolves at once there.
 */
export async function screenshot(name: string, waitFor?: string): Promise<void> {
  const dir = process.env.TANDEM_VSCODE_ARTIFACTS;
  if (!dir) return;
  const file = path.join(dir, `${name}.png`);
  const error = path.join(dir, `${name}.error.txt`);
  for (const f of [file, error]) fs.rmSync(f, { force: true });
  console.log(`::screenshot ${JSON.stringify({ name, waitFor })}::`);
  await waitForCondition(() => fs.existsSync(file) || fs.existsSync(error), { timeoutMs: 30_000, what: `screenshot ${file}` });
  if (fs.existsSync(error)) throw new Error(`the workbench never showed ${waitFor}: ${fs.readFileSync(error, 'utf8').split('\n')[0]}`);
}
