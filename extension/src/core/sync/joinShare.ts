import * as Y from 'yjs';
import { parseLink, type LinkError, type ParsedLink } from '../../../../protocol/src';
import { ShareConnection, type RoomStatus } from '../../../../protocol/src/connector';
import { nodeSocketFactory } from './nodeSocket';
import { assertRelayReachable } from './relayReachable';

// Joins a share from a link, in Node (the CLI's open, prompt and pull; the extension's "Open Shared
// Session"): connects both rooms and waits until they are synced, or says clearly why not.

export type JoinFailure = 'bad-link' | 'refused' | 'unreachable';

export class ShareJoinError extends Error {
  constructor(
    message: string,
    readonly kind: JoinFailure,
  ) {
    super(message);
  }
}

export const LINK_PROBLEMS: Record<LinkError, string> = {
  'not-a-url': 'that is not a link; pass the http(s)://…/s/… link the host shared',
  'not-a-share-link': 'that link is not a Tandem share link (expected http(s)://relay/s/<share id>#t=<token>)',
  'no-token': 'the link has no token (#t=…); copy the whole link, fragment included',
  'bad-token': 'the token in the link is damaged; copy the whole link again',
  'token-for-other-share': 'the token in the link belongs to another share; copy the whole link again',
};

export type JoinedShare = {
  link: ParsedLink;
  docs: { transcript: Y.Doc; queue: Y.Doc };
  connection: ShareConnection;
  /** Closes the connection; what was written before is still sent first. Idempotent. */
  dispose(): void;
};

export type JoinOptions = {
  /** give up when not synced within this long (default 15 s) */
  timeoutMs?: number;
  onStatus?: (status: RoomStatus) => void;
};

/** Parses a link, or throws a ShareJoinError('bad-link') that says what is wrong with it. */
export function parseShareLink(link: string): ParsedLink {
  const parsed = parseLink(link);
  if (!parsed.ok) throw new ShareJoinError(LINK_PROBLEMS[parsed.error], 'bad-link');
  return parsed.link;
}

export async function joinShare(link: string | ParsedLink, options: JoinOptions = {}): Promise<JoinedShare> {
  const parsed = typeof link === 'string' ? parseShareLink(link) : link;
  const expired = parsed.claims.exp * 1000 <= Date.now();
  if (expired) throw new ShareJoinError(`the link expired on ${new Date(parsed.claims.exp * 1000).toISOString()}; ask the host for a new link`, 'refused');
  await assertRelayReachable(parsed.relayUrl).catch((e: Error) => {
    throw new ShareJoinError(e.message, 'unreachable');
  });
  const docs = { transcript: new Y.Doc(), queue: new Y.Doc() };
  const connection = new ShareConnection({ relayUrl: parsed.relayUrl, shareId: parsed.shareId, token: parsed.token, docs, socket: nodeSocketFactory });
  const dispose = () => {
    connection.dispose();
    docs.transcript.destroy();
    docs.queue.destroy();
  };
  let lastOffline = '';
  const off = connection.onStatus((s) => {
    if (s.state === 'offline') lastOffline = s.reason;
    options.onStatus?.(s);
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connection.whenSynced(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new ShareJoinError(`could not reach the relay at ${parsed.relayUrl} (${lastOffline || 'no answer'}); check that the host's relay is running and reachable from here`, 'unreachable')), options.timeoutMs ?? 15_000);
      }),
    ]);
  } catch (e) {
    dispose();
    if (e instanceof ShareJoinError) throw e;
    throw new ShareJoinError(`the relay refused the link: ${(e as Error).message}; ask the host for a new link`, 'refused');
  } finally {
    clearTimeout(timer);
    off();
  }
  return { link: parsed, docs, connection, dispose };
}
