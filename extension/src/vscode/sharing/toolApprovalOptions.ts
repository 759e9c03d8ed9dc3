import type { HostToolAsker, ToolApprovalSettings } from '../../core/prompts';
import type { Settings } from '../settingsSchema';

/**
 * What a share started in VS Code passes to core for Claude Code's tool requests: the `tandem.toolApprovals.*`
 * settings, with the same meaning and defaults as `tandem share --tool-approvals / --remote-tools /
 * --approval-timeout`, and the window as the host's own asker (a VS Code window always has someone to ask).
 */
export function toolApprovalOptions(settings: Settings['toolApprovals'], hostAsker: HostToolAsker): ToolApprovalSettings {
  return {
    policy: settings.answerers,
    timeoutMs: settings.timeoutMs,
    // an empty list is the flag left out: any tool Claude Code asks about
    remoteAllowedTools: settings.remoteTools.length ? settings.remoteTools : undefined,
    hostAsker,
  };
}
