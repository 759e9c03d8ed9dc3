import { assertRelayReachable } from './relayReachable';
import { revokeAllLinks } from './revokeLinks';
import type { ShareKeys } from './shareKeys';

// `tandem unshare` and VS Code's Stop Sharing: the relay revokes every link, closes the share's sockets
// and deletes its rooms (DELETE /s/<share id>, authorised by the host token). A relay without that
// endpoint (an older version) only revokes the links, and the answer says its data stays there.

export type Unshared = { closed: number; deleted: boolean };

export async function deleteShareAtRelay(relayUrl: string, keys: ShareKeys, hostToken: string): Promise<Unshared> {
  const base = relayUrl.replace(/\/+$/, '');
  await assertRelayReachable(base);
  const res = await fetch(`${base}/s/${keys.shareId}`, { method: 'DELETE', headers: { authorization: `Bearer ${hostToken}` } });
  const answer = (await res.json().catch(() => ({}))) as { ok?: boolean; closed?: number; reason?: string };
  if (res.status === 404 || res.status === 405) return { ...(await revokeAllLinks(base, keys)), deleted: false };
  if (!res.ok || !answer.ok) throw new Error(`the relay at ${relayUrl} did not delete the share (${answer.reason ?? `HTTP ${res.status}`})`);
  return { closed: answer.closed ?? 0, deleted: true };
}
