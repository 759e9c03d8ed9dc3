import WebSocket from 'ws';
import type { SocketFactory, SocketLike } from '../../../../protocol/src/connector';

/** The connector's socket factory for Node (host, CLI): `ws`, which can also send the access-key header. */
export const nodeSocketFactory: SocketFactory = (url, protocols, headers) => new WebSocket(url, protocols, { headers }) as unknown as SocketLike;
