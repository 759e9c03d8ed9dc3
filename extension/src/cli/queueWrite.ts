import type { JoinedShare } from '../core/sync/joinShare';
import { ExitCode, UserError } from './command';

// Writing to a share's queue room from a command: the write counts only once the relay has stored
// it (the connector's flush); a refusal by the relay or no confirmation in time is an error that says so.

const CONFIRM_MS = 15_000;

export async function writeToQueue(share: JoinedShare, what: string, write: () => void): Promise<void> {
  // set as the denial arrives: it may come in the same read as the flush's answer, which then resolves first
  let refusal: string | undefined;
  const denied = new Promise<void>((resolve) =>
    share.connection.queue.onDenied((reason) => {
      refusal ??= reason;
      resolve();
    }),
  );
  try {
    write();
  } catch (e) {
    throw new UserError(`the ${what} cannot be sent: ${(e as Error).message}`, ExitCode.usage);
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      share.connection.queue.flush(),
      denied,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new UserError(`the relay did not confirm the ${what} within ${CONFIRM_MS / 1000} s; it may not have arrived: try again`, ExitCode.unreachable)), CONFIRM_MS))),
    ]);
  } finally {
    clearTimeout(timer);
  }
  if (refusal !== undefined) throw new UserError(`the relay refused the ${what}: ${refusal}`, ExitCode.linkRefused);
}
