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
