import crypto from 'node:crypto';
import { LOCAL_PROOF_PATH, localProof } from '../../../../relay/src/localProof';

// Is the thing listening on 127.0.0.1:<port> the user's own local relay? It must answer a fresh nonce
// with the HMAC only the holder of the user's agent secret can compute, for the port it listens on.
// Nothing else is sent to it before that (no transcript, no token).

export type ProbeResult = { kind: 'ours' } | { kind: 'nothing' } | { kind: 'impostor'; detail: string };

export async function probeLocalRelay(url: string, port: number, secret: Uint8Array, timeoutMs = 2000): Promise<ProbeResult> {
  const nonce = crypto.randomBytes(32).toString('hex');
  let res: Response;
  try {
    res = await fetch(`${url}${LOCAL_PROOF_PATH}`, { method: 'POST', body: nonce, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const code = ((e as Error & { cause?: NodeJS.ErrnoException }).cause ?? {}).code;
    if (code === 'ECONNREFUSED') return { kind: 'nothing' };
    return { kind: 'impostor', detail: `it did not answer within ${timeoutMs} ms (${code ?? (e as Error).message})` };
  }
  const body = (await res.json().catch(() => undefined)) as { proof?: unknown } | undefined;
  const expected = localProof(secret, port, nonce);
  const proof = typeof body?.proof === 'string' ? body.proof : '';
  if (proof.length === expected.length && crypto.timingSafeEqual(Buffer.from(proof), Buffer.from(expected))) return { kind: 'ours' };
  return { kind: 'impostor', detail: `it answered HTTP ${res.status} without proving it knows your agent secret` };
}
