import { useEffect, useRef } from 'preact/hooks';
import { visibleText, type PendingApproval } from '../../../protocol/src';
import type { SystemNotifier } from '../data/systemNotifier';

// Telling someone away from the tab that Claude Code waits for an answer: the tab's title counts the
// pending requests ("(2) …", back to the plain title when none are left), and a tab in the background
// gets a system notification for each new request this viewer may answer. The notification's text is
// network text: escaped and cut short.

export function titleWithCount(title: string, pending: number): string {
  return pending > 0 ? `(${pending}) ${title}` : title;
}

const TITLE_MAX = 60;
const BODY_MAX = 120;

export function notificationText(a: PendingApproval): { title: string; body: string } {
  const what = a.questions ? 'has a question' : a.plan !== undefined ? 'asks you to approve a plan' : `asks to use ${a.toolName}`;
  const detail = a.questions?.[0]?.question ?? a.plan ?? a.command ?? a.path ?? a.reason ?? '';
  return { title: short(`Claude Code ${what}`, TITLE_MAX), body: short(detail, BODY_MAX) };
}

function short(text: string, max: number): string {
  const line = visibleText(text.replace(/\s+/g, ' ').trim(), { singleLine: true });
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Notifies, while the tab is hidden, of each request not seen before that this viewer may answer. */
export function useApprovalNotifications(approvals: readonly PendingApproval[], canAnswer: boolean, notifier: SystemNotifier | undefined): void {
  const seen = useRef(new Set<string>());
  useEffect(() => {
    for (const a of approvals) {
      if (seen.current.has(a.id)) continue;
      seen.current.add(a.id);
      if (!canAnswer || !notifier || document.visibilityState !== 'hidden') continue;
      const { title, body } = notificationText(a);
      notifier.notify(title, body, a.id, () => document.querySelector<HTMLElement>(`.approval-card[data-request-id="${CSS.escape(a.id)}"]`)?.focus());
    }
  }, [approvals, canAnswer, notifier]);
}
