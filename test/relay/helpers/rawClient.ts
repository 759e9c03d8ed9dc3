import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MessageType, roomName, websocketBase, type RoomKind } from '../../../protocol/src';

// A bare `ws` client for the cases stock clients cannot express: refused upgrades (HTTP status),
// forged messages, a reader that stops reading.

export type UpgradeOutcome = { opened: true; ws: WebSocket } | { opened: false; status: number; body: string };

export function roomUrl(relayUrl: string, shareId: string, room: RoomKind, query = ''): string {
  return `${websocketBase(relayUrl)}/${roomName(shareId, room)}${query}`;
}

/** Opens a socket and reports whether the upgrade succeeded, or the HTTP status and body it got. */
export function tryUpgrade(url: string, opts: { protocols?: string[]; headers?: Record<string, string>; localAddress?: string } = {}): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts.protocols ?? [], { headers: opts.headers, localAddress: opts.localAddress });
    ws.on('open', () => resolve({ opened: true, ws }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ opened: false, status: res.statusCode ?? 0, body }));
    });
    ws.on('error', (e) => reject(e));
  });
}

/** Collects every message a socket receives, by y-websocket message type. */
export function recordMessages(ws: WebSocket): { all: Buffer[]; ofType(t: MessageType): Buffer[] } {
  const all: Buffer[] = [];
  ws.on('message', (data: Buffer) => all.push(data));
  return { all, ofType: (t) => all.filter((m) => decoding.readVarUint(decoding.createDecoder(m)) === t) };
}

export function closeCode(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** A y-websocket sync message carrying `update` (kind 2: update, 1: SyncStep2). */
export function updateMessage(update: Uint8Array, kind = 2): Buffer {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, kind);
  encoding.writeVarUint8Array(e, update);
  return Buffer.from(encoding.toUint8Array(e));
}

/** The reasons of permission-denied (auth) messages. */
export function deniedReasons(messages: Buffer[]): string[] {
  return messages.map((m) => {
    const d = decoding.createDecoder(m);
    decoding.readVarUint(d); // auth
    decoding.readVarUint(d); // permission denied
    return decoding.readVarString(d);
  });
}
