import { ShareJoinError, joinShare, type JoinedShare } from '../core/sync/joinShare';
import { ExitCode, UserError } from './command';

const EXIT: Record<ShareJoinError['kind'], number> = { 'bad-link': ExitCode.usage, refused: ExitCode.linkRefused, unreachable: ExitCode.unreachable };

/** joinShare for commands: its failures become UserErrors with distinct exit codes. */
export async function joinForCli(link: string, timeoutMs?: number): Promise<JoinedShare> {
  try {
    return await joinShare(link, { timeoutMs });
  } catch (e) {
    if (e instanceof ShareJoinError) throw new UserError(e.message, EXIT[e.kind]);
    throw e;
  }
}
