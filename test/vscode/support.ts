// What the VS Code tests share: the extension under test, the paths the harness passes in, screenshots.
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { TandemApi } from '../../extension/src/vscode/api';
import { waitFor } from '../helpers/waitFor';

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

/**
 * Asks the harness for a screenshot of the workbench (test-artifacts/vscode/NAME.png) and waits until it is
 * written. Under @vscode/test-cli nobody answers, so it resolves at once there.
 */
export async function screenshot(name: string): Promise<void> {
  const dir = process.env.TANDEM_VSCODE_ARTIFACTS;
  if (!dir) return;
  const file = path.join(dir, `${name}.png`);
  fs.rmSync(file, { force: true });
  console.log(`::screenshot ${name}::`);
  await waitFor(() => fs.existsSync(file), { timeoutMs: 15_000, what: `screenshot ${file}` });
}
