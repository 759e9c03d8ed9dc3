// Websocket close codes the relay uses, and what a client should do about each.
export const CloseCode = {
  /** Normal closure. */
  normal: 1000,
  /** The relay is shutting down or restarting: reconnect soon. */
  restart: 1012,
  /** Overloaded or this socket lagged too far behind: retry later, with jitter. */
  tryAgainLater: 1013,
  /** A frame larger than this role may send. */
  messageTooBig: 1009,
  /** The token is missing, forged, expired or revoked: stop retrying, ask for a new link. */
  unauthorized: 4401,
  /** The token is valid but does not allow this (wrong room, wrong origin, access key missing): stop retrying. */
  forbidden: 4403,
  /** The room holds as many bytes as the relay allows one share's room to: stop retrying writes. */
  roomQuotaExceeded: 4413,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Codes after which a client must not reconnect on its own. */
export function isPermanentClose(code: number): boolean {
  return code === CloseCode.unauthorized || code === CloseCode.forbidden || code === CloseCode.roomQuotaExceeded;
}

/** HTTP status the relay answers a refused upgrade with, per close code. */
export const upgradeStatus = { [CloseCode.unauthorized]: 401, [CloseCode.forbidden]: 403, [CloseCode.tryAgainLater]: 503 } as const;

/** y-websocket wire message types (first varUint of every frame). */
export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];
