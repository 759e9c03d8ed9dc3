import http from 'node:http';
import https from 'node:https';

// Before connecting, one plain HTTP request tells whether anything answers at the relay's address:
// a refused connection fails at once and a silent one after `timeoutMs`, instead of the websocket's
// reconnect backoff running until the sync timeout. Any HTTP answer counts as reachable. (node:http,
// not fetch: fetch refuses some ports outright, which would hide the real reason.)

export class RelayUnreachable extends Error {}

export function assertRelayReachable(relayUrl: string, timeoutMs = 2000): Promise<void> {
  const url = `${relayUrl.replace(/\/+$/, '')}/healthz`;
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new RelayUnreachable(`could not reach the relay at ${relayUrl} (${why}); check the URL and that the relay is running`));
    let req: http.ClientRequest;
    try {
      req = (url.startsWith('https:') ? https : http).get(url, { timeout: timeoutMs }, (res) => {
        res.resume();
        resolve();
      });
    } catch (e) {
      fail((e as Error).message);
      return;
    }
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
  });
}
