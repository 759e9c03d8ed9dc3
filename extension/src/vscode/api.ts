import type * as vscode from 'vscode';
import type { ProjectNode } from './sessions/sessionsTree';
import type { Settings } from './settingsSchema';
import type { SharedLink } from './sharedWithMe/sharedLinks';
import type { ViewerStatus } from './webview/viewerWebview';

/**
 * What activate() returns (`extensions.getExtension('tandem-dev.tandem').exports`): read-only views of the
 * extension's state, so the VS Code suite can observe what the UI shows without reaching into the DOM.
 * Every installed extension can read this object, so it never carries a token (links keep their relay
 * and share id but lose the `#t=` fragment) and hands out copies, never the extension's own lists.
 */
export type TandemApi = {
  /** where the "Tandem" log channel writes (Tandem.log) */
  readonly logFolder: () => string;
  /** the embedded relay's address while it runs */
  readonly relayUrl: () => string | undefined;
  readonly settings: () => Settings;
  /** what the Sessions view shows: projects with their sessions, as last listed */
  readonly sessions: () => ProjectNode[];
  /** the Sessions view's message when it cannot list (e.g. no Claude folder) */
  readonly sessionsMessage: () => string | undefined;
  /** lists the sessions again now; resolves when the view is current */
  readonly refreshSessions: () => Promise<void>;
  /** the remembered links, without their tokens */
  readonly sharedWithMe: () => readonly SharedLink[];
  /** how the Sessions view labels each project group */
  readonly sessionLabels: () => { folder: string; label: string; description?: string }[];
  /** remote prompts waiting for the user's answer (notification, status bar pick, viewer card) */
  readonly pendingApprovals: () => { author: string; project: string; text: string }[];
  /** Claude Code's tool requests during remote prompts, waiting for the user's answer (notification, pick, card) */
  readonly pendingToolRequests: () => { id: string; promptId: string; toolName: string; command?: string; author: string }[];
  readonly viewer: {
    readonly status: () => ViewerStatus | undefined;
    /** the link the sidebar viewer shows, without its token */
    readonly link: () => string | undefined;
    /** the local session the sidebar viewer shows read-only (no link, no share) */
    readonly localSessionId: () => string | undefined;
    readonly onDidChangeStatus: vscode.Event<ViewerStatus>;
    /** the viewers open as editor tabs */
    readonly tabs: () => { link: string | undefined; status: ViewerStatus | undefined }[];
  };
};

/** A share link as other extensions may see it: `http(s)://relay/s/<shareId>`, the token cut off. */
export function withoutToken(link: string): string;
export function withoutToken(link: string | undefined): string | undefined;
export function withoutToken(link: string | undefined): string | undefined {
  return link?.replace(/#.*$/s, '');
}

export function sharedLinkWithoutToken(shared: SharedLink): SharedLink {
  return { ...shared, link: withoutToken(shared.link) };
}
