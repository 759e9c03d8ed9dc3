import { parseLink, type LinkError, type ParsedLink } from '../../../protocol/src';

// What to tell someone whose pasted link does not work, and what to do about it.
const advice: Record<LinkError, string> = {
  'not-a-url': 'That is not a link. Paste the whole Tandem link, starting with http:// or https://.',
  'not-a-share-link': 'That address is not a Tandem share link (it looks like http://relay/s/<share id>#t=<token>). Ask for the link again.',
  'no-token': 'The link has no access token (the part after #t=). Copy the whole link, including everything after #.',
  'bad-token': 'The link’s access token is damaged. Copy the whole link again.',
  'token-for-other-share': 'The link’s access token belongs to another share. Copy the whole link again.',
};

/** Parses a link someone pasted; the error says what is wrong in words, including an expired token. */
export function checkPastedLink(text: string, nowMs = Date.now()): { ok: true; link: ParsedLink } | { ok: false; message: string } {
  const r = parseLink(text);
  if (!r.ok) return { ok: false, message: advice[r.error] };
  if (r.link.claims.exp * 1000 <= nowMs) {
    return { ok: false, message: `The link expired on ${new Date(r.link.claims.exp * 1000).toLocaleString()}. Ask whoever shared the session for a new link.` };
  }
  return r;
}
