import { bindPresence, type TokenClaims } from '../../protocol/src';

// A connection's presence, bound to its token (protocol/src/presence.ts): the relay stores and
// forwards the bound state, so what peers see as role and name is what the link says. A state that is
// not a Tandem presence (a stock client's `{}`, a non-host claiming the host's client) is kept as `{}`:
// it shows nobody, and the client still gets the echo stock clients count as a sign of life.

/** The awareness state JSON to keep for `json` claimed by a connection with `claims`, or null to drop it. */
export function bindPresenceJson(json: string, claims: TokenClaims): string | null {
  if (json === 'null') return json;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  return JSON.stringify(bindPresence(value, claims) ?? {});
}
