import * as vscode from 'vscode';
import { z } from 'zod';

// The two settings of sharing's own: what a reloaded window does with the shares it had, and whether
// Stop Sharing keeps the share's data on the relay (it deletes it by default).

const RestoreShares = z.enum(['ask', 'always', 'never']).catch('ask');
export type RestoreShares = z.infer<typeof RestoreShares>;

export function restoreSharesSetting(): RestoreShares {
  return RestoreShares.parse(vscode.workspace.getConfiguration('tandem').get('restoreShares'));
}

export function keepDataOnStopSetting(): boolean {
  return z.boolean().catch(false).parse(vscode.workspace.getConfiguration('tandem').get('stopSharing.keepData'));
}
