import * as vscode from 'vscode';
import type { RunStatus } from '../../../../protocol/src';
import { approverFor, type ApprovalRequest, type Approver, type Decision } from '../../core/prompts/approval';
import { visibleText } from '../../../../protocol/src';
import { describePrompt, promptHeadline, promptText } from './describePrompt';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import type { PendingItem, PendingSource } from '../pending/pendingItems';
import type { SettingsService } from '../settings';

/** A prompt waiting for the user's answer, with the share it came through. */
export type PendingApproval = { request: ApprovalRequest; shareId: string; decide(decision: Decision): void };

const answerLabels = (): Record<Decision, string> => ({ approve: vscode.l10n.t('Approve'), reject: vscode.l10n.t('Reject'), always: vscode.l10n.t('Always Allow This Link') });

/**
 * How remote prompts are approved in VS Code, following `tandem.remotePrompts.policy` at the moment each
 * prompt arrives (core's approverFor): `ask` keeps the prompt waiting until the user answers Approve, Reject
 * or Always Allow This Link, from the notification, the status bar item's pick, or the host's own viewer.
 * Dismissing the notification answers nothing: the prompt keeps waiting. A prompt cancelled while it waits
 * is rejected and disappears everywhere.
 */
export class RemotePromptApprover extends Disposable implements PendingSource {
  private readonly waiting = new Set<PendingApproval>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangePending = this.changed.event;

  constructor(
    private readonly settings: SettingsService,
    private readonly log: Logger,
  ) {
    super();
  }

  get approvals(): readonly PendingApproval[] {
    return [...this.waiting];
  }

  get pending(): PendingItem[] {
    const labels = answerLabels();
    return this.approvals.map((p) => ({
      id: `prompt:${p.request.prompt.id}`,
      kind: vscode.l10n.t('Remote prompts'),
      label: promptHeadline(p.request),
      detail: promptText(p.request),
      shareId: p.shareId,
      answers: (['approve', 'reject', 'always'] as const).map((d) => ({ label: labels[d], answer: () => p.decide(d) })),
    }));
  }

  /** The approver one share's prompt runner uses: the same questions, tagged with the share. */
  forShare(shareId: string): Approver {
    const current = () => approverFor(this.settings.current.remotePrompts.policy, { by: 'user', approve: (request, signal) => this.askUser(request, signal, shareId) });
    return {
      get by() {
        return current().by;
      },
      approve: (request, signal) => current().approve(request, signal),
    };
  }

  /** Tells the host when a prompt it let run failed: the viewer shows it too, but the host may not look. */
  runFinished(status: RunStatus): void {
    if (status.state !== 'failed' || !status.approvedBy) return;
    const who = status.author ? visibleText(status.author) : vscode.l10n.t('a prompter');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('The prompt from {0} failed: {1}', who, visibleText(status.error ?? vscode.l10n.t('no reason given'))), vscode.l10n.t('Show Log'))
      .then((pick) => pick && vscode.commands.executeCommand('tandem.showLog'));
  }

  private askUser(request: ApprovalRequest, signal: AbortSignal, shareId: string): Promise<Decision> {
    return new Promise<Decision>((resolve) => {
      const pending: PendingApproval = {
        request,
        shareId,
        decide: (decision) => {
          if (!this.waiting.delete(pending)) return; // answered already (elsewhere, cancelled or disposed)
          signal.removeEventListener('abort', onAbort);
          this.changed.fire();
          this.log.info(`remote prompt ${request.prompt.id} from ${visibleText(request.prompt.author)}: ${decision}`);
          resolve(decision);
        },
      };
      const onAbort = () => pending.decide('reject');
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.add(pending);
      this.changed.fire();
      const labels = answerLabels();
      void vscode.window.showInformationMessage(describePrompt(request), labels.approve, labels.reject, labels.always).then((pick) => {
        const decision = (Object.keys(labels) as Decision[]).find((d) => labels[d] === pick);
        if (decision) pending.decide(decision);
      });
    });
  }

  override dispose(): void {
    for (const p of [...this.waiting]) p.decide('reject');
    super.dispose();
  }
}
