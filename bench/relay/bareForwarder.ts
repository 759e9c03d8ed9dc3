import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { binaryFrame } from '../../relay/src/syncMessages';

// The floor for the fan-out bench: the least a relay on Node can do per delivery. No auth, no Yjs,
// no storage, no backpressure: each message is framed once and written to the room's other sockets.
// What it sustains bounds what any relay (ours or the reference) can sustain on this machine, since
// every relay pays at least this one socket write per viewer per update.

type Member = { socket: Duplex };

const rooms = new Map<string, Set<Member>>();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 128 * 1024 * 1024 });
const server = http.createServer((_req, res) => res.writeHead(404).end());

server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
  const path = (req.url ?? '/').split('?')[0];
  wss.handleUpgrade(req, socket, head, (ws) => {
    let room = rooms.get(path);
    if (!room) rooms.set(path, (room = new Set()));
    const me: Member = { socket };
    room.add(me);
    ws.on('message', (data: Buffer) => {
      const frame = binaryFrame(data);
      for (const m of room) if (m !== me) m.socket.write(frame);
    });
    ws.on('close', () => room.delete(me));
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
