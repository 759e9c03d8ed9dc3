import * as vscode from 'vscode';
import type { HostToolAnswer } from '../../core/prompts/toolApprovals';
import { Disposable } from '../lifecycle';

// Everything that waits for the user's answer, whatever asks: remote prompts today, tool permissions later.
// A source lists its items and says when the list changes; the inbox merges the sources for the status bar
// item, the Tandem badge and the "Answer Waiting Prompts…" pick, so a new kind of question needs no UI work.

export type PendingAnswer = { label: string; description?: string; answer(): void };

export type PendingItem = {
  /** unique across sources, stable while the item waits */
  id: string;
  /** what kind of question (shown in the pick's separator), e.g. "Remote prompts" */
  kind: string;
  /** one line: who asks what */
  label: string;
  /** the question's text, escaped for display */
  detail: string;
  /** the share it belongs to, so that share's viewer can show it */
  shareId?: string;
  /** the buttons, first is the default */
  answers: readonly PendingAnswer[];
  /** a tool request: its id in the share's transcript room, where the host's viewer answers it on its own card */
  approvalId?: string;
  /** answers a tool request with what the viewer's card holds (a deny's message, a question's answers) */
  answerWith?: (answer: HostToolAnswer) => void;
};

export type PendingSource = { readonly pending: readonly PendingItem[]; readonly onDidChangePending: vscode.Event<void> };

export class PendingInbox extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly sources: readonly PendingSource[]) {
    super();
    for (const s of sources) this.register(s.onDidChangePending(() => this.changed.fire()));
  }

  get all(): PendingItem[] {
    return this.sources.flatMap((s) => s.pending);
  }

  find(id: string): PendingItem | undefined {
    return this.all.find((i) => i.id === id);
  }
}
