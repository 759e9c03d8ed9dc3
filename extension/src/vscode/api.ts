import type * as vscode from 'vscode';
import type { Settings } from './settingsSchema';
import type { SharedLink } from './sharedWithMe/sharedLinks';
import type { ViewerStatus } from './webview/viewerWebview';

/**
 * What activate() returns (`extensions.getExtension('tandem-dev.tandem').exports`): read-only views of the
 * extension's state, so the VS Code suite can observe what the UI shows without reaching into the DOM.
 */
export type TandemApi = {
  readonly settings: () => Settings;
  readonly sharedWithMe: () => readonly SharedLink[];
  readonly viewer: {
    readonly status: () => ViewerStatus | undefined;
    readonly link: () => string | undefined;
    readonly onDidChangeStatus: vscode.Event<ViewerStatus>;
  };
};
