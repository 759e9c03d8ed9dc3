import { parseLink, type ParsedLink } from '../../../protocol/src';
import { LINK_PROBLEMS } from '../core/sync/joinShare';

const sentence = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;

/** Parses a link someone pasted; the error says what is wrong in words (core's wording), including an expired token. */
export function checkPastedLink(text: string, nowMs = Date.now()): { ok: true; link: ParsedLink } | { ok: false; message: string } {
  const r = parseLink(text);
  if (!r.ok) return { ok: false, message: sentence(LINK_PROBLEMS[r.error]) };
  if (r.link.claims.exp * 1000 <= nowMs) {
    return { ok: false, message: `The link expired on ${new Date(r.link.claims.exp * 1000).toLocaleString()}. Ask whoever shared the session for a new link.` };
  }
  return r;
}
