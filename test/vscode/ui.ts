// The real workbench, driven from a test: the harness (scripts/run-vscode-tests.mjs) runs Playwright against
// the page that hosts this extension host. A request is a log line; the answer is a file in UI_DIR.
// Selectors are Playwright's; prefix `webview:` to reach into the session viewer's page.
// Under @vscode/test-cli there is no harness: requests resolve at once and UI checks are skipped.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '../helpers/waitFor';

type UiRequest =
  | { action: 'screenshot'; name: string; waitFor?: string }
  | { action: 'visible'; selector: string }
  | { action: 'hidden'; selector: string }
  | { action: 'click'; selector: string; button?: 'left' | 'right'; waitFor?: string }
  | { action: 'fill'; selector: string; text: string }
  | { action: 'press'; key: string };

const uiDir = process.env.TANDEM_VSCODE_UI_DIR;

/** Whether a harness drives the UI (code-server); false under @vscode/test-cli. */
export const uiAvailable = uiDir !== undefined;

async function ui(request: UiRequest): Promise<void> {
  if (!uiDir) return;
  const id = randomUUID();
  console.log(`::ui ${JSON.stringify({ id, ...request })}::`);
  const answerFile = path.join(uiDir, `${id}.json`);
  await waitFor(() => fs.existsSync(answerFile), { timeoutMs: 30_000, what: `the harness to answer UI ${request.action}` });
  const answer = JSON.parse(fs.readFileSync(answerFile, 'utf8')) as { ok: boolean; error?: string };
  if (!answer.ok) throw new Error(`UI ${request.action} failed in the workbench: ${answer.error}`);
}

/** test-artifacts/vscode/NAME.png, once `waitFor` is visible: the screenshot doubles as a check that the UI rendered. */
export const screenshot = (name: string, waitForSelector?: string) => ui({ action: 'screenshot', name, waitFor: waitForSelector });
/** Waits until `selector` is visible in the workbench (rejects after the harness's deadline). */
export const visible = (selector: string) => ui({ action: 'visible', selector });
/** Waits until `selector` is not visible (absent counts): check a positive condition first, so it cannot pass early. */
export const hidden = (selector: string) => ui({ action: 'hidden', selector });
export const click = (selector: string, button?: 'left' | 'right') => ui({ action: 'click', selector, button });
export const fill = (selector: string, text: string) => ui({ action: 'fill', selector, text });
export const press = (key: string) => ui({ action: 'press', key });
