import type { ClientAddresses } from './clientAddress';
import type http from 'node:http';
import { admit, type AdmissionPolicy } from './admission';
import { isOriginAllowed } from './auth/originPolicy';
import type { Revocations } from './auth/revocations';
import type { TokenVerifier } from './auth/tokenVerifier';
import { CloseCode } from '../../protocol/src';
import { TokenBucket } from './limits';
import type { Logger } from './logger';
import type { RelayMetrics } from './metrics';
import type { RoomRegistry } from './roomRegistry';
import { LOCAL_PROOF_PATH, answerProof } from './localProof';
import { deleteShare } from './shareDeletion';
import { serveStatic } from './staticSite';
import type { Upgrades } from './upgrades';

// Plain HTTP: health, metrics, the viewer's static files, and two small JSON endpoints:
//   POST /check/<share id>/<room>   body: the token   → {ok} or {ok:false, code, reason}
//       (browsers hide why an upgrade failed; a client asks here, with the same rules as the upgrade)
//   POST /revoke                    body: a revocation signed with the share key → {closed}
//   DELETE /s/<share id>            Authorization: Bearer <host token> → {closed, rooms} (shareDeletion.ts)
//   POST /local/proof               body: a nonce → {proof} on a local agent's relay (localProof.ts)
// Tokens travel in bodies, never in URLs, so no access log or proxy ever sees them.

export type HttpDeps = {
  policy: AdmissionPolicy;
  verifier: TokenVerifier;
  revocations: Revocations;
  registry: RoomRegistry;
  upgrades: Upgrades;
  addresses: ClientAddresses;
  metrics: RelayMetrics;
  log: Logger;
  staticDir: string;
  /** why the relay cannot serve now (shutting down, storage unreachable), or undefined */
  notReady: () => string | undefined;
  /** set on a local agent's relay: see localProof.ts */
  localSecret?: Uint8Array;
  port: () => number;
};

const MAX_BODY = 64 * 1024;
/** Probes carry no data, and load balancers send them under any name. */
const UNGUARDED = new Set(['/healthz', '/readyz']);

export function createHttpHandler(deps: HttpDeps): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const revokeRate = new TokenBucket(5, 20);
  const routes: Array<[string, RegExp, (req: http.IncomingMessage, res: http.ServerResponse, m: RegExpExecArray) => void | Promise<void>]> = [
    ['GET', /^\/healthz$/, (_q, res) => text(res, 200, 'ok\n')],
    ['GET', /^\/readyz$/, (_q, res) => {
      const why = deps.notReady();
      return why ? text(res, 503, `not ready: ${why}\n`) : text(res, 200, 'ready\n');
    }],
    ['GET', /^\/metrics$/, (_q, res) => text(res, 200, deps.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8')],
    ['POST', /^\/check(\/ws\/.*)$/, async (req, res, m) => {
      if (!deps.upgrades.allowAttempt(deps.addresses.of(req))) return json(res, 429, { ok: false, code: CloseCode.tryAgainLater, reason: 'too many requests from this address; retrying' }, cors(req, deps));
      const token = (await readBody(req)).trim();
      const verdict = await admit({ pathname: m[1], origin: req.headers.origin, host: req.headers.host, token, accessKey: undefined }, deps.policy, deps.verifier, deps.revocations, deps.registry);
      json(res, 200, verdict.ok ? { ok: true, role: verdict.value.role } : { ok: false, code: verdict.code, reason: verdict.reason }, cors(req, deps));
    }],
    ['POST', /^\/revoke$/, async (req, res) => {
      if (!revokeRate.take()) return json(res, 429, { ok: false, reason: 'too many revocations; retry in a few seconds' });
      const result = await deps.revocations.apply(await readBody(req));
      if (!result.ok) return json(res, result.code === CloseCode.forbidden ? 403 : 401, { ok: false, reason: result.reason }, cors(req, deps));
      const closed = deps.upgrades.closeRevoked(result.value.shareId, result.value.record);
      deps.log.info('applied a revocation', { closed });
      json(res, 200, { ok: true, closed }, cors(req, deps));
    }],
    ['POST', new RegExp(`^${LOCAL_PROOF_PATH}$`), async (req, res) => localProofRoute(req, res, deps)],
    ['DELETE', /^\/s\/([A-Za-z0-9_-]{43})$/, async (req, res, m) => {
      const { status, body } = await deleteShare(deps, m[1], req.headers.authorization);
      json(res, status, body, cors(req, deps));
    }],
  ];

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://relay');
    const method = req.method ?? 'GET';
    if (!deps.policy.hosts.allows(req.headers.host) && !UNGUARDED.has(url.pathname)) {
      deps.metrics.hostRefusals.inc();
      return json(res, 421, { ok: false, reason: deps.policy.hosts.refusal() });
    }
    for (const [m, pattern, handler] of routes) {
      const match = pattern.exec(url.pathname);
      if (!match || m !== method) continue;
      Promise.resolve(handler(req, res, match)).catch((e: Error) => {
        deps.log.warn('http request failed', { path: url.pathname, error: e.message });
        if (!res.headersSent) json(res, e instanceof BodyTooLarge ? 413 : 500, { ok: false, reason: e.message });
      });
      return;
    }
    if (method === 'OPTIONS') return preflight(req, res, deps);
    if (method !== 'GET' && method !== 'HEAD') return text(res, 405, 'method not allowed\n');
    serveStatic(url.pathname, res, deps.staticDir);
  };
}

async function localProofRoute(req: http.IncomingMessage, res: http.ServerResponse, deps: HttpDeps): Promise<void> {
  const answer = deps.localSecret && answerProof(deps.localSecret, deps.port(), await readBody(req));
  if (!answer) return json(res, 404, { ok: false, reason: 'this relay is not a local agent\'s relay, or the nonce is malformed' });
  json(res, 200, { ok: true, proof: answer });
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new BodyTooLarge(`the request body is over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** A VS Code webview (another origin) may call /check and /revoke; other pages may not read the answer. */
function cors(req: http.IncomingMessage, deps: HttpDeps): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin || !isOriginAllowed(origin, req.headers.host, deps.policy.tls, deps.policy.origins)) return {};
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

function preflight(req: http.IncomingMessage, res: http.ServerResponse, deps: HttpDeps): void {
  res.writeHead(204, { ...cors(req, deps), 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' });
  res.end();
}

function text(res: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  res.end(body);
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}
