import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type * as Y from 'yjs';
import { parseRoomPath } from '../../protocol/src';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yws = require('y-websocket-ref/bin/utils') as { setupWSConnection(ws: unknown, req: http.IncomingMessage, opts: { docName: string }): void; getYDoc(name: string): Y.Doc };

// Interim stand-in for the relay while relay/src has no start function: serves dist/webview like the
// relay does (index.html at / and /s/<id>) and syncs rooms with y-websocket@2's reference server.
// It checks no tokens; the relay tests own that.
const DIST = path.resolve(__dirname, '../../dist/webview');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8', '.map': 'application/json' };

export type DevRelay = { url: string; doc(shareId: string, room: 'transcript' | 'queue'): Y.Doc; close(): Promise<void> };

export async function startDevRelay(): Promise<DevRelay> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const file = url.pathname === '/' || url.pathname.startsWith('/s/') ? 'index.html' : url.pathname.slice(1);
    const full = path.join(DIST, path.normalize(file));
    if (!full.startsWith(DIST) || !fs.existsSync(full)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(full)] ?? 'application/octet-stream' });
    fs.createReadStream(full).pipe(res);
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const room = parseRoomPath(new URL(req.url ?? '/', 'http://x').pathname);
    if (!room) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => yws.setupWSConnection(ws, req, { docName: `${room.shareId}/${room.room}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    doc: (shareId, room) => yws.getYDoc(`${shareId}/${room}`),
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
