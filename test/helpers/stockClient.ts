// A stock y-websocket client holding a link's token: unlike our connector, it sends whatever is
// written to its doc, so tests can check that the relay drops writes a role may not make.
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { parseShareLink } from '../../extension/src/core/sync/joinShare';
import { TOKEN_SUBPROTOCOL_PREFIX, roomName, websocketBase } from '../../protocol/src';
import { waitFor } from './waitFor';

/** How many writes the relay has dropped so far (its Prometheus counter). */
export async function relayWriteDenials(relayUrl: string): Promise<number> {
  const text = await (await fetch(`${relayUrl}/metrics`)).text();
  return Number(/^tandem_relay_write_denials_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
}

/** Writes into the link's queue room with a stock client and resolves once the relay counted the write as denied. */
export async function deniedStockWrite(link: string, write: (doc: Y.Doc) => void): Promise<void> {
  const { relayUrl, shareId, token } = parseShareLink(link);
  const before = await relayWriteDenials(relayUrl);
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(websocketBase(relayUrl), roomName(shareId, 'queue'), doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, protocols: [`${TOKEN_SUBPROTOCOL_PREFIX}${token}`], disableBc: true });
  try {
    await waitFor(() => provider.synced, { timeoutMs: 10_000, what: 'the stock client to sync' });
    write(doc);
    await waitFor(async () => (await relayWriteDenials(relayUrl)) > before, { timeoutMs: 10_000, what: 'the relay to count the denied write' });
  } finally {
    provider.destroy();
  }
}
