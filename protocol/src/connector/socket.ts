// The few WebSocket features the connector uses, so protocol/ needs neither DOM nor Node types. A
// browser WebSocket and Node's `ws` both fit; the caller passes a factory that makes one.

export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** Opens a socket. `headers` carry the relay access key; browsers cannot send headers and ignore them. */
export type SocketFactory = (url: string, protocols: string[], headers: Record<string, string>) => SocketLike;

export const SOCKET_OPEN = 1;

type WebSocketCtor = new (url: string, protocols?: string[]) => SocketLike;

/** The factory for browsers and VS Code webviews: the global WebSocket. */
export const browserSocketFactory: SocketFactory = (url, protocols) => {
  const Ctor = (globalThis as unknown as { WebSocket?: WebSocketCtor }).WebSocket;
  if (!Ctor) throw new Error('this environment has no WebSocket; pass a socket factory (Node: nodeSocketFactory)');
  return new Ctor(url, protocols);
};

/** Answers "why was I refused?" after an upgrade failed (browsers hide the HTTP status). */
export type RefusalCheck = (relayUrl: string, path: string, token: string) => Promise<{ ok: true } | { ok: false; code: number; reason: string }>;

type FetchFn = (url: string, init: { method: string; body: string; headers: Record<string, string> }) => Promise<{ ok: boolean; json(): Promise<unknown> }>;

/** Asks the relay's `POST /check/<path>` with the token in the body (never in a URL). */
export const fetchRefusalCheck: RefusalCheck = async (relayUrl, path, token) => {
  const fetchFn = (globalThis as unknown as { fetch?: FetchFn }).fetch;
  if (!fetchFn) return { ok: true };
  const res = await fetchFn(`${relayUrl.replace(/\/+$/, '')}/check${path}`, { method: 'POST', body: token, headers: { 'content-type': 'text/plain' } });
  const body = (await res.json()) as { ok?: boolean; code?: number; reason?: string };
  if (body.ok) return { ok: true };
  return { ok: false, code: Number(body.code ?? 0), reason: String(body.reason ?? 'refused by the relay') };
};
