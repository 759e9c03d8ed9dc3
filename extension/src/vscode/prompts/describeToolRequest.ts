import type { PendingApproval } from '../../../../protocol/src';
import { uiText } from '../notificationText';

const SHOW_CHARS = 300;

// The host's question about a tool request: which tool, on what (the command, the file, else the input),
// for whose prompt. Every part comes from the network (the prompt's author) or from what Claude made of a
// prompter's text (tool name, input, reason): escaped on one line, without VS Code markup (uiText), and cut.

export type ToolQuestion = { approval: PendingApproval; author: string };

const cut = (text: string) => (text.length > SHOW_CHARS ? `${text.slice(0, SHOW_CHARS)}… (${text.length - SHOW_CHARS} more characters)` : text);

/** "Claude asks to use Bash for Ana's prompt" */
export function toolHeadline({ approval, author }: ToolQuestion): string {
  const on = approval.path && approval.toolName !== 'Bash' ? ` on ${uiText(cut(approval.path), { singleLine: true })}` : '';
  return `Claude asks to use ${uiText(approval.toolName, { singleLine: true })}${on} for the prompt from ${uiText(author, { singleLine: true })}`;
}

/** What it would do: the command, else the file, else the input, on one line (a newline shows as \n). */
export function toolDetail({ approval }: ToolQuestion): string {
  return uiText(cut(approval.command ?? approval.path ?? approval.input.replace(/\s*\n\s*/g, ' ')), { singleLine: true });
}

/** The rules "Allow for This Session" adds, when Claude Code suggested some. */
export function sessionRulesText({ approval }: ToolQuestion): string | undefined {
  return approval.suggestions?.length ? uiText(cut(approval.suggestions.join(', ')), { singleLine: true }) : undefined;
}

/** The notification: headline, what, and why Claude Code asks. */
export function describeToolRequest(q: ToolQuestion): string {
  const why = q.approval.reason ? ` (${uiText(cut(q.approval.reason), { singleLine: true })})` : '';
  return `${toolHeadline(q)}: “${toolDetail(q)}”${why}`;
}
