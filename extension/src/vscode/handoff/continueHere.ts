import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { readMeta } from '../../../../protocol/src';
import { HandoffError, chooseProjectDir, describeCandidate, describePull, materialiseSession, resumeCommand, type ProjectCandidate, type PullResult } from '../../core/handoff';
import { isSessionId } from '../../core/handoff/sessionId';
import { joinShare, ShareJoinError } from '../../core/sync/joinShare';
import { resolveClaudeDir } from '../../core/transcripts/claudeDir';
import { UserFacingError } from '../commands';
import type { Logger } from '../log';
import type { SettingsService } from '../settings';
import { pickSharedLink } from '../sharedWithMe/openSharedSession';
import type { SharedLinks } from '../sharedWithMe/sharedLinks';
import { workspaceFolderPath } from '../workspaceFolder';
import { findExecutable, shellCommand, shellKind } from './shellCommand';

/** The user closed the folder pick: not an error, the command just stops. */
class Cancelled extends Error {}

/**
 * "Continue This Session Here" (DESIGN.md §6): fetches a shared session with its link, writes it into the
 * local Claude folder for the matching local checkout (core/handoff: confined, byte-exact, never overwriting
 * a diverged copy) and types `claude --resume <id>` into a new shell terminal there. A shell, not claude as the
 * terminal's process, so the terminal and claude's output stay when it exits; the line is built by shellCommand
 * (program quoted, the id checked to be a UUID), so nothing from the shared document can run as a command.
 */
export class ContinueHere {
  constructor(
    private readonly links: SharedLinks,
    private readonly settings: SettingsService,
    private readonly log: Logger,
  ) {}

  async run(arg: unknown): Promise<PullResult | undefined> {
    const shared = await pickSharedLink(this.links, arg);
    if (!shared) return undefined;
    const { claudePath } = this.settings.current;
    const claude = await findExecutable(claudePath);
    if (!claude) {
      const open = vscode.l10n.t('Open Settings');
      void vscode.window
        .showErrorMessage(vscode.l10n.t('Claude Code was not found here (“{0}”). Install Claude Code, or set where it is in the Claude Path setting, then try again.', claudePath), open)
        .then((pick) => pick && vscode.commands.executeCommand('workbench.action.openSettings', 'tandem.claudePath'));
      return undefined;
    }
    let result: PullResult | undefined;
    try {
      result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Fetching the shared session…') }, () => this.pull(shared.link));
    } catch (e) {
      if (e instanceof Cancelled) return undefined;
      throw e;
    }
    if (!result) return undefined;
    for (const line of describePull(result)) this.log.info(`continue here: ${line}`);
    if (result.outcome === 'no-transcript') throw new UserFacingError(describePull(result).join(' '));
    this.openClaude(result, claude);
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} Claude Code is resuming it in the terminal.', describePull(result)[0]));
    return result;
  }

  private async pull(link: string): Promise<PullResult | undefined> {
    let share;
    try {
      share = await joinShare(link);
    } catch (e) {
      if (e instanceof ShareJoinError) throw new UserFacingError(e.message);
      throw e;
    }
    try {
      const home = os.homedir();
      const cwd = workspaceFolderPath() ?? home;
      const projectDir = await chooseProjectDir(readMeta(share.docs.transcript), { cwd, home, ask: (candidates, about) => this.askProject(candidates, about) });
      const claudeDir = resolveClaudeDir({ claudeDir: this.settings.current.claudeFolder }).dir;
      const result = await materialiseSession(share.docs.transcript, { claudeDir, projectDir });
      if (result.outcome !== 'diverged') return result;
      const asNew = vscode.l10n.t('Continue as a New Session');
      const pick = await vscode.window.showWarningMessage(describePull(result).join(' '), { modal: true }, asNew);
      return pick === asNew ? await materialiseSession(share.docs.transcript, { claudeDir, projectDir, asNew: true }) : undefined;
    } catch (e) {
      if (e instanceof HandoffError) throw new UserFacingError(e.message);
      throw e;
    } finally {
      share.dispose();
    }
  }

  private async askProject(candidates: ProjectCandidate[], about: string): Promise<string> {
    const choose = vscode.l10n.t('Choose a folder…');
    const items = [...candidates.map((c) => ({ label: path.basename(c.dir), description: describeCandidate(c), dir: c.dir })), { label: choose, description: '', dir: '' }];
    const title = vscode.l10n.t('Continue This Session Here');
    const pick = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Which local folder holds {0}?', about), ignoreFocusOut: true });
    if (!pick) throw new Cancelled();
    if (pick.dir) return pick.dir;
    const folder = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: vscode.l10n.t('Continue Here'), title: vscode.l10n.t('The local folder for {0}', about) });
    if (!folder?.[0]) throw new Cancelled();
    return folder[0].fsPath;
  }

  private openClaude(result: PullResult, claude: string): void {
    if (!isSessionId(result.sessionId)) throw new Error(`not a session id: ${JSON.stringify(result.sessionId)}`);
    const resume = resumeCommand(result.projectDir, result.sessionId);
    const { claudeFolder } = this.settings.current;
    const terminal = vscode.window.createTerminal({
      name: 'Claude Code (Tandem)',
      cwd: resume.cwd,
      // the session was written to this Claude folder; claude must look there too
      env: claudeFolder ? { CLAUDE_CONFIG_DIR: claudeFolder } : undefined,
    });
    terminal.sendText(shellCommand(claude, resume.args, shellKind(vscode.env.shell)), true);
    terminal.show();
  }
}
