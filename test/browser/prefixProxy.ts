import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';

// A reverse proxy that serves a relay under a path prefix, the way code-server's /proxy/<port>/ does:
// http requests and websocket upgrades under the prefix go to the relay with the prefix taken off;
// anything else is a 404, so a page that asks for /browser.js at the root gets nothing.

export type PrefixProxy = { url: string; close(): Promise<void> };

export async function startPrefixProxy(target: string, prefix: string): Promise<PrefixProxy> {
  const { hostname, port } = new URL(target);
  const strip = (url = '') => (url.startsWith(prefix) ? `/${url.slice(prefix.length)}` : null);
  const server = http.createServer((req, res) => {
    const path = strip(req.url);
    if (path === null) return res.writeHead(404).end('not under the proxy prefix');
    const upstream = http.request({ hostname, port, path, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const sockets = new Set<net.Socket>();
  server.on('upgrade', (req, client: net.Socket, head: Buffer) => {
    const path = strip(req.url);
    if (path === null) return client.end('HTTP/1.1 404 Not Found\r\n\r\n');
    const upstream = net.connect(Number(port), hostname, () => {
      const headers = Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}: ${x}`) : [`${k}: ${v}`]));
      upstream.write(`${req.method} ${path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => (client.destroy(), upstream.destroy()));
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix.replace(/\/$/, '')}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
