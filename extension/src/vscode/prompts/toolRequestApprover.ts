import * as vscode from 'vscode';
import { MAX_ANSWER_MESSAGE, type PendingApproval, type ToolDecision } from '../../../../protocol/src';
import type { AskingPrompt, HostToolAnswer, HostToolAsker } from '../../core/prompts/toolApprovals';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import { uiText } from '../notificationText';
import type { PendingItem, PendingSource } from '../pending/pendingItems';
import { describeToolRequest, sessionRulesText, toolDetail, toolHeadline } from './describeToolRequest';

/** A tool request waiting for the host's answer, with the share whose prompt asks. */
export type WaitingToolRequest = { approval: PendingApproval; author: string; shareId: string };

type Waiting = WaitingToolRequest & { settle(answer: HostToolAnswer | undefined): void };

const rulesNote = (w: WaitingToolRequest) => {
  const rules = sessionRulesText(w);
  return rules && vscode.l10n.t('adds {0}', rules);
};

const labels = () => ({
  allow: vscode.l10n.t('Allow'),
  'allow-session': vscode.l10n.t('Allow for This Session'),
  deny: vscode.l10n.t('Deny…'),
  show: vscode.l10n.t('Show'),
});

/**
 * The VS Code host's own answer to Claude Code's tool requests during remote prompts (core's HostToolAsker,
 * the same seat `tandem share` gives the terminal): a notification with Allow, Allow for This Session,
 * Deny… (asks for an optional message to Claude) and Show (opens the share in the viewer), plus an entry in
 * the pending inbox (status bar item, badge, pick, the host's viewer cards). Core's ToolApprovals decides:
 * this only relays the host's choice. A request settled elsewhere (a prompter's answer, the timeout, the
 * prompt stopping) leaves the inbox at once; its notification, which VS Code cannot take back, then says
 * so if clicked.
 */
export class ToolRequestApprover extends Disposable implements PendingSource {
  private readonly waiting = new Set<Waiting>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangePending = this.changed.event;
  private readonly showAsked = this.register(new vscode.EventEmitter<string>());
  /** the user clicked Show on a request of this share: the composition root opens it in the viewer */
  readonly onDidAskToShow = this.showAsked.event;

  constructor(private readonly log: Logger) {
    super();
  }

  get requests(): readonly WaitingToolRequest[] {
    return [...this.waiting].map(({ approval, author, shareId }) => ({ approval, author, shareId }));
  }

  get pending(): PendingItem[] {
    const l = labels();
    return [...this.waiting].map((w) => ({
      id: `tool:${w.approval.id}`,
      kind: vscode.l10n.t('Tool requests'),
      label: toolHeadline(w),
      detail: toolDetail(w),
      shareId: w.shareId,
      approvalId: w.approval.id,
      answerWith: (answer) => (this.waiting.has(w) ? w.settle(answer) : this.gone(w)),
      answers: [
        { label: l.allow, answer: () => void this.answer(w, 'allow') },
        { label: l['allow-session'], description: rulesNote(w), answer: () => void this.answer(w, 'allow-session') },
        { label: l.deny, answer: () => void this.answer(w, 'deny') },
      ],
    }));
  }

  /** The asker one share's prompt runner uses: the same questions, tagged with the share. */
  forShare(shareId: string): HostToolAsker {
    return { ask: (approval, signal, prompt) => this.ask(approval, signal, prompt, shareId) };
  }

  private ask(approval: PendingApproval, signal: AbortSignal, prompt: AskingPrompt, shareId: string): Promise<HostToolAnswer | undefined> {
    if (signal.aborted || this.isDisposed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiting: Waiting = {
        approval,
        author: prompt.author,
        shareId,
        settle: (answer) => {
          if (!this.waiting.delete(waiting)) return; // settled already (elsewhere, expired or disposed)
          signal.removeEventListener('abort', withdraw);
          this.changed.fire();
          if (answer) this.log.info(`tool request ${approval.id} (${approval.toolName}): ${answer.decision} by you`);
          resolve(answer);
        },
      };
      const withdraw = () => waiting.settle(undefined);
      signal.addEventListener('abort', withdraw, { once: true });
      this.waiting.add(waiting);
      this.changed.fire();
      void this.notify(waiting);
    });
  }

  private async notify(w: Waiting): Promise<void> {
    const l = labels();
    const pick = await vscode.window.showInformationMessage(describeToolRequest(w), l.allow, l['allow-session'], l.deny, l.show);
    if (pick === l.show) return this.showAsked.fire(w.shareId);
    const decision = (['allow', 'allow-session', 'deny'] as const).find((d) => l[d] === pick);
    if (decision) await this.answer(w, decision);
  }

  private async answer(w: Waiting, decision: ToolDecision): Promise<void> {
    if (!this.waiting.has(w)) return this.gone(w);
    if (decision !== 'deny') return w.settle({ decision });
    const message = await vscode.window.showInputBox({
      title: vscode.l10n.t('Deny {0}', uiText(w.approval.toolName, { singleLine: true })),
      prompt: vscode.l10n.t('A message to Claude (optional): why, or what to do instead. Escape keeps the request waiting.'),
      validateInput: (v) => (v.length > MAX_ANSWER_MESSAGE ? vscode.l10n.t('At most {0} characters', MAX_ANSWER_MESSAGE) : undefined),
      ignoreFocusOut: true,
    });
    if (message === undefined) return;
    if (!this.waiting.has(w)) return this.gone(w);
    w.settle({ decision: 'deny', message: message.trim() || undefined });
  }

  private gone(w: Waiting): void {
    this.log.info(`tool request ${w.approval.id}: answered here after it was settled elsewhere; nothing changed`);
    void vscode.window.showInformationMessage(vscode.l10n.t('That tool request is no longer waiting: it was answered elsewhere, timed out, or its prompt stopped.'));
  }

  override dispose(): void {
    for (const w of [...this.waiting]) w.settle(undefined);
    super.dispose();
  }
}
