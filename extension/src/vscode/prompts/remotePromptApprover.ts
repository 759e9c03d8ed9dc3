import * as vscode from 'vscode';
import { approverFor, type ApprovalRequest, type Approver, type Decision } from '../../core/prompts/approval';
import { visibleText } from '../../../../protocol/src';
import { describePrompt } from './describePrompt';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import type { SettingsService } from '../settings';

const APPROVE = 'Approve';
const REJECT = 'Reject';
const ALWAYS = 'Always Allow This Link';

/** A prompt waiting for the user's answer (the status bar counts them). */
export type PendingApproval = { request: ApprovalRequest; decide(decision: Decision): void };

/**
 * How remote prompts are approved in VS Code, following `tandem.remotePrompts.policy` at the moment each
 * prompt arrives (core's approverFor): `ask` shows a notification with the author, project and text and the
 * buttons Approve, Reject and Always Allow This Link; `auto` and `never` are core's fixed policies. Closing
 * the notification rejects; a prompt cancelled while the question is open is rejected, its notification ignored.
 */
export class RemotePromptApprover extends Disposable implements Approver {
  private readonly waiting = new Set<PendingApproval>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangePending = this.changed.event;

  constructor(
    private readonly settings: SettingsService,
    private readonly log: Logger,
  ) {
    super();
  }

  private readonly ask: Approver = { by: 'user', approve: (request, signal) => this.askUser(request, signal) };

  private get current(): Approver {
    return approverFor(this.settings.current.remotePrompts.policy, this.ask);
  }

  get by(): 'policy' | 'user' {
    return this.current.by;
  }

  get pending(): readonly PendingApproval[] {
    return [...this.waiting];
  }

  approve(request: ApprovalRequest, signal: AbortSignal): Promise<Decision> {
    return this.current.approve(request, signal);
  }

  private askUser(request: ApprovalRequest, signal: AbortSignal): Promise<Decision> {
    return new Promise<Decision>((resolve) => {
      const pending: PendingApproval = {
        request,
        decide: (decision) => {
          if (!this.waiting.delete(pending)) return; // answered already (click, cancel or dispose)
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
      void vscode.window.showInformationMessage(describePrompt(request), APPROVE, REJECT, ALWAYS).then((pick) => {
        pending.decide(pick === APPROVE ? 'approve' : pick === ALWAYS ? 'always' : 'reject');
      });
    });
  }

  override dispose(): void {
    for (const p of [...this.waiting]) p.decide('reject');
    super.dispose();
  }
}
