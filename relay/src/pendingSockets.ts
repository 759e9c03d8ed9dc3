import type http from 'node:http';
import type { Socket } from 'node:net';
import { addressKey, SlotCounter } from './limits';

// Sockets that have not finished sending their first request's headers cost a file descriptor and
// memory while proving nothing. Each client address may hold only `limit` of them; more are cut at
// once, and Node's headersTimeout (set by the caller) ends the ones that never finish. A trusted
// balancer's sockets are exempt: it reads its clients' headers itself before it connects.

export function capPendingSockets(server: http.Server, limit: number, onRefused: () => void, exempt: (ip: string | undefined) => boolean): void {
  const pending = new SlotCounter(limit);
  // Keyed by remote address and port: under TLS the request's socket wraps the one that connected.
  const held = new Map<string, string>();
  const idOf = (socket: Socket) => `${socket.remoteAddress}|${socket.remotePort}`;
  const settle = (id: string) => {
    const key = held.get(id);
    if (key === undefined) return;
    held.delete(id);
    pending.release(key);
  };
  server.on('connection', (socket: Socket) => {
    if (exempt(socket.remoteAddress)) return;
    const key = addressKey(socket.remoteAddress ?? 'unknown');
    if (!pending.acquire(key)) {
      onRefused();
      socket.destroy();
      return;
    }
    const id = idOf(socket);
    held.set(id, key);
    socket.once('close', () => settle(id));
  });
  server.on('request', (req: http.IncomingMessage) => settle(idOf(req.socket)));
  server.on('upgrade', (req: http.IncomingMessage) => settle(idOf(req.socket)));
}
