import { resolveClaudeDir } from '../../core/transcripts/claudeDir';
import type { Logger } from '../log';
import type { SettingsService } from '../settings';
import type { ShareCommands } from '../sharing/shareCommands';
import { LocalTranscript } from '../webview/localTranscript';
import type { ViewerView } from '../webview/viewerView';

/**
 * Open Read-Only (a click on a session row): the session in the sidebar viewer, read from disk on this
 * machine. Nothing is shared and no relay starts: sharing is always its own, explicit command.
 */
export async function openSessionReadOnly(arg: unknown, sharing: ShareCommands, settings: SettingsService, viewer: ViewerView, log: Logger): Promise<void> {
  const session = await sharing.pickSession(arg);
  if (!session) return;
  const claudeDir = resolveClaudeDir({ claudeDir: settings.current.claudeFolder }).dir;
  await viewer.openLocal(await LocalTranscript.open(session, claudeDir, log));
}
