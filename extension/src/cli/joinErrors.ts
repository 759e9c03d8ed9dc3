import type { ParsedLink } from '../../../protocol/src';
import { ShareJoinError, joinShare, parseShareLink, type JoinFailure, type JoinedShare } from '../core/sync/joinShare';
import { ExitCode, UserError } from './command';

// Share links for commands: joinShare's failures become UserErrors with distinct exit codes
// (a bad link is a usage error, a refused link and an unreachable relay have codes of their own).

const EXIT: Record<JoinFailure, number> = { 'bad-link': ExitCode.usage, refused: ExitCode.linkRefused, unreachable: ExitCode.unreachable };

function asUserError(e: unknown): unknown {
  return e instanceof ShareJoinError ? new UserError(e.message, EXIT[e.kind]) : e;
}

/** The link's relay, share and claims, or a UserError saying what is wrong with it. */
export function parseLinkForCli(link: string): ParsedLink {
  try {
    return parseShareLink(link);
  } catch (e) {
    throw asUserError(e);
  }
}

/** joinShare for commands. */
export async function joinForCli(link: string | ParsedLink, timeoutMs?: number): Promise<JoinedShare> {
  try {
    return await joinShare(link, { timeoutMs });
  } catch (e) {
    throw asUserError(e);
  }
}
