import crypto from 'node:crypto';

// A local agent's relay proves it is the user's own before a host hands it a transcript or a token:
// the host posts a random nonce to POST /local/proof, the relay answers HMAC-SHA256 over the nonce and
// the port it listens on, keyed with a secret only the user can read (a 0600 file in their Tandem
// folder). Something else on the port (another user's process, a look-alike) cannot answer; a relay of
// the same user on another port, proxied through, answers for the wrong port.

export const LOCAL_PROOF_PATH = '/local/proof';

const NONCE = /^[0-9a-f]{64}$/;

export function localProof(secret: Uint8Array, port: number, nonce: string): string {
  return crypto.createHmac('sha256', secret).update(`tandem-local-relay\n${port}\n${nonce}`).digest('hex');
}

/** The answer to a proof request, or undefined for a body that is not a nonce. */
export function answerProof(secret: Uint8Array, port: number, body: string): string | undefined {
  const nonce = body.trim();
  return NONCE.test(nonce) ? localProof(secret, port, nonce) : undefined;
}
