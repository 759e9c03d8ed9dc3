import { signRevokeAll, type ShareKeys } from './shareKeys';

// Stop Sharing: the host signs "every token of this share issued until now is revoked" and posts it to
// the relay, which refuses those tokens from then on and closes the sockets that use them.

export async function revokeAllLinks(relayUrl: string, keys: ShareKeys): Promise<{ closed: number }> {
  const url = `${relayUrl.replace(/\/+$/, '')}/revoke`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: signRevokeAll(keys) });
  } catch (e) {
    throw new Error(`could not reach the relay at ${relayUrl} to revoke the links (${e instanceof Error ? e.message : e}); they stay valid until they expire`);
  }
  const answer = (await res.json().catch(() => ({}))) as { ok?: boolean; closed?: number; reason?: string };
  if (!res.ok || !answer.ok) throw new Error(`the relay at ${relayUrl} did not revoke the links (${answer.reason ?? `HTTP ${res.status}`}); they stay valid until they expire`);
  return { closed: answer.closed ?? 0 };
}
