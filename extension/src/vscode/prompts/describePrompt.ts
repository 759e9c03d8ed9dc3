import type { ApprovalRequest } from '../../core/prompts/approval';
import { uiText } from '../notificationText';

const SHOW_CHARS = 300;

// The approval question's text: who, where, what. Author and text come from the network: control and bidi
// characters are shown escaped, VS Code's link and icon markup is broken (uiText) and the text is cut, so it
// cannot fake the question.

/** "Ana wants to run a prompt in /src/app" */
export function promptHeadline({ prompt, project }: ApprovalRequest): string {
  const where = prompt.kind === 'new' ? `a new session in ${uiText(project)}` : uiText(project);
  return `${uiText(prompt.author)} wants to run a prompt in ${where}`;
}

/** The prompt itself, escaped, on one line, cut to a readable length. */
export function promptText({ prompt }: ApprovalRequest): string {
  const cut = prompt.text.length > SHOW_CHARS ? `${prompt.text.slice(0, SHOW_CHARS)}… (${prompt.text.length - SHOW_CHARS} more characters)` : prompt.text;
  return uiText(cut).replace(/\s+/g, ' ');
}

/** The notification: headline and text. */
export function describePrompt(request: ApprovalRequest): string {
  return `${promptHeadline(request)}: “${promptText(request)}”`;
}
