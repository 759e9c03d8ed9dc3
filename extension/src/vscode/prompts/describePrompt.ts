import type { ApprovalRequest } from '../../core/prompts/approval';
import { visibleText } from '../../../../protocol/src';

const SHOW_CHARS = 300;

/**
 * The approval notification's text: who, where, what. Author and text come from the network: control and
 * bidi characters are shown escaped (protocol's visibleText) and the text is cut, so it cannot fake the question.
 */
export function describePrompt({ prompt, project }: ApprovalRequest): string {
  const cut = prompt.text.length > SHOW_CHARS ? `${prompt.text.slice(0, SHOW_CHARS)}… (${prompt.text.length - SHOW_CHARS} more characters)` : prompt.text;
  const text = visibleText(cut).replace(/\s+/g, ' ');
  const where = prompt.kind === 'new' ? `a new session in ${visibleText(project)}` : visibleText(project);
  return `Tandem: ${visibleText(prompt.author)} wants to run a prompt in ${where}: “${text}”`;
}
