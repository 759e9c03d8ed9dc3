import { parseLink, type LinkError, type ParsedLink } from '../../../protocol/src';

// In the words of someone pasting into a box (core's wording is for the command line).
const PASTED_LINK_PROBLEMS: Record<LinkError, string> = {
  'not-a-url': 'That is not a link. Paste the whole link your teammate sent (it starts with http:// or https://).',
  'not-a-share-link': 'That link is not a Tandem share link. Paste the link your teammate copied from Tandem.',
  'no-token': 'The link is cut short: the part after # is missing. Copy the whole link again.',
  'bad-token': 'The link is damaged. Copy the whole link again.',
  'token-for-other-share': 'The link is damaged: its key belongs to another session. Copy the whole link again.',
};

/** Parses a link someone pasted; the error says what is wrong in words (core's wording), including an expired token. */
export function checkPastedLink(text: string, nowMs = Date.now()): { ok: true; link: ParsedLink } | { ok: false; message: string } {
  const r = parseLink(text);
  if (!r.ok) return { ok: false, message: PASTED_LINK_PROBLEMS[r.error] };
  if (r.link.claims.exp * 1000 <= nowMs) {
    return { ok: false, message: `The link expired on ${new Date(r.link.claims.exp * 1000).toLocaleString()}. Ask whoever shared the session for a new link.` };
  }
  return r;
}
