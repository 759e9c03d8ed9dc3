import * as vscode from 'vscode';
import type { PendingInbox, PendingItem } from './pendingItems';

type ItemPick = vscode.QuickPickItem & { item?: PendingItem };

/**
 * "Answer Waiting Prompts…" (the status bar item runs it): pick a waiting question, then its answer. One
 * question skips the first step. An item answered elsewhere meanwhile (notification, viewer) is gone quietly.
 */
export async function answerPending(inbox: PendingInbox): Promise<void> {
  const all = inbox.all;
  if (all.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Nothing is waiting for your answer.'));
    return;
  }
  const item = all.length === 1 ? all[0] : await pickItem(all);
  if (!item) return;
  const picked = await vscode.window.showQuickPick(
    item.answers.map((a) => ({ label: a.label, description: a.description, answer: a })),
    { title: item.label, placeHolder: item.detail, ignoreFocusOut: true },
  );
  if (picked && inbox.find(item.id)) picked.answer.answer();
}

async function pickItem(all: PendingItem[]): Promise<PendingItem | undefined> {
  const picks: ItemPick[] = [];
  for (const item of all) {
    if (picks.at(-1)?.item?.kind !== item.kind) picks.push({ label: item.kind, kind: vscode.QuickPickItemKind.Separator });
    picks.push({ label: item.label, detail: item.detail, item });
  }
  const pick = await vscode.window.showQuickPick(picks, { title: vscode.l10n.t('Waiting for your answer'), placeHolder: vscode.l10n.t('Which one?'), matchOnDetail: true, ignoreFocusOut: true });
  return pick?.item;
}
