import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { readMeta } from '../../../../protocol/src';
import { HandoffError, chooseProjectDir, describeCandidate, describePull, materialiseSession, resumeCommand, type ProjectCandidate, type PullResult } from '../../core/handoff';
import { joinShare, ShareJoinError } from '../../core/sync/joinShare';
import { resolveClaudeDir } from '../../core/transcripts/claudeDir';
import { UserFacingError } from '../commands';
import type { Logger } from '../log';
import type { SettingsService } from '../settings';
import { pickSharedLink } from '../sharedWithMe/openSharedSession';
import type { SharedLinks } from '../sharedWithMe/sharedLinks';

const CHOOSE_FOLDER = 'Choose a folder…';

/**
 * "Continue This Session Here" (DESIGN.md §6): fetches a shared session with its link, writes it into the
 * local Claude folder for the matching local checkout (core/handoff: confined, byte-exact, never overwriting
 * a diverged copy) and opens `claude --resume <id>` in a terminal there, run directly, without a shell.
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
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Tandem: fetching the shared session…' }, () => this.pull(shared.link));
    if (!result) return undefined;
    for (const line of describePull(result)) this.log.info(`continue here: ${line}`);
    if (result.outcome === 'no-transcript') throw new UserFacingError(describePull(result).join(' '));
    this.openClaude(result);
    void vscode.window.showInformationMessage(`Tandem: ${describePull(result)[0]} Claude Code is resuming it in the terminal.`);
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
      const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? home;
      const projectDir = await chooseProjectDir(readMeta(share.docs.transcript), { cwd, home, ask: (candidates, about) => this.askProject(candidates, about) });
      const claudeDir = resolveClaudeDir({ claudeDir: this.settings.current.claudeFolder }).dir;
      const result = await materialiseSession(share.docs.transcript, { claudeDir, projectDir });
      if (result.outcome !== 'diverged') return result;
      const asNew = 'Continue as a New Session';
      const pick = await vscode.window.showWarningMessage(describePull(result).join(' '), { modal: true }, asNew);
      return pick === asNew ? await materialiseSession(share.docs.transcript, { claudeDir, projectDir, asNew: true }) : undefined;
    } catch (e) {
      if (e instanceof HandoffError) throw new UserFacingError(e.message);
      throw e;
    } finally {
      share.dispose();
    }
  }

  private async askProject(candidates: ProjectCandidate[], about: string): Promise<string | null> {
    const items = [...candidates.map((c) => ({ label: path.basename(c.dir), description: describeCandidate(c), dir: c.dir })), { label: CHOOSE_FOLDER, description: '', dir: '' }];
    const pick = await vscode.window.showQuickPick(items, { title: 'Continue This Session Here', placeHolder: `Which local folder holds ${about}?`, ignoreFocusOut: true });
    if (!pick) return null;
    if (pick.dir) return pick.dir;
    const folder = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Continue Here', title: `The local folder for ${about}` });
    return folder?.[0]?.fsPath ?? null;
  }

  private openClaude(result: PullResult): void {
    const resume = resumeCommand(result.projectDir, result.sessionId);
    const { claudeFolder, claudePath } = this.settings.current;
    const terminal = vscode.window.createTerminal({
      name: 'Claude Code (Tandem)',
      cwd: resume.cwd,
      shellPath: claudePath,
      shellArgs: resume.args,
      // the session was written to this Claude folder; claude must look there too
      env: claudeFolder ? { CLAUDE_CONFIG_DIR: claudeFolder } : undefined,
    });
    terminal.show();
  }
}
