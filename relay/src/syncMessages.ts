import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as authProtocol from 'y-protocols/auth';
import { MessageType } from '../../protocol/src';

// Framing of the y-websocket messages the relay sends. Each is encoded once and the Buffer shared.

function frame(write: (e: encoding.Encoder) => void): Buffer {
  const e = encoding.createEncoder();
  write(e);
  const bytes = encoding.toUint8Array(e);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function syncStep1Message(stateVector: Uint8Array): Buffer {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
    encoding.writeVarUint8Array(e, stateVector);
  });
}

export function syncUpdateMessage(update: Uint8Array, kind: 'step2' | 'update' = 'update'): Buffer {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, kind === 'step2' ? syncProtocol.messageYjsSyncStep2 : syncProtocol.messageYjsUpdate);
    encoding.writeVarUint8Array(e, update);
  });
}

export function permissionDeniedMessage(reason: string): Buffer {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.auth);
    authProtocol.writePermissionDenied(e, reason);
  });
}

/**
 * A sync update forwarded live to every member of a room. Its websocket frame (server frames are
 * unmasked) is built once, on first use, and the same bytes are written to every socket.
 */
export class LiveUpdate {
  private framed: Buffer | null = null;
  constructor(
    /** the framed y-websocket message */
    readonly message: Buffer,
    /** the Yjs update it carries */
    readonly update: Uint8Array,
  ) {}

  /** The message as one complete websocket frame. */
  frame(): Buffer {
    return (this.framed ??= binaryFrame(this.message));
  }
}

/** `payload` as one complete, unmasked websocket binary frame (RFC 6455 §5.2: FIN, opcode 2), as a server sends it. */
export function binaryFrame(payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + n);
  out[0] = 0x82;
  if (head === 2) out[1] = n;
  else if (head === 4) {
    out[1] = 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 127;
    out.writeBigUInt64BE(BigInt(n), 2);
  }
  payload.copy(out, head);
  return out;
}
