import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCode, upgradeStatus } from '../../protocol/src';
import { admit, findToken, type AdmissionPolicy } from './admission';
import { ACCESS_KEY_HEADER, ACCESS_KEY_PARAM } from './auth/accessKey';
import type { RevocationRecord, Revocations } from './auth/revocations';
import type { TokenVerifier } from './auth/tokenVerifier';
import type { ClientAddresses } from './clientAddress';
import { Connection } from './connection';
import { AddressBuckets, SlotCounter } from './limits';
import type { Logger } from './logger';
import type { RelayMetrics } from './metrics';
import type { RelayLimits } from './relayOptions';
import type { RoomRegistry } from './roomRegistry';

// Auth before accept: every check runs on the HTTP upgrade request, and only a request that passes
// them all reaches ws.handleUpgrade. A refused request gets a plain HTTP 401/403/503 with a JSON
// reason and its TCP socket is closed: no unauthenticated websocket ever exists. Hosts and other
// roles get different websocket servers because `maxPayload` is per server.

export class Upgrades {
  readonly connections = new Set<Connection>();
  private readonly host: WebSocketServer;
  private readonly other: WebSocketServer;
  private readonly rate: AddressBuckets;
  private readonly perIp: SlotCounter;
  private readonly perToken: SlotCounter;
  closing = false;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly policy: AdmissionPolicy,
    private readonly limits: RelayLimits,
    private readonly verifier: TokenVerifier,
    private readonly revocations: Revocations,
    private readonly registry: RoomRegistry,
    private readonly metrics: RelayMetrics,
    private readonly log: Logger,
    private readonly addresses: ClientAddresses,
  ) {
    const common = {
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      skipUTF8Validation: true,
      handleProtocols: (offered: Set<string>) => [...offered].find((p) => p.startsWith('tandem.')) ?? false,
    };
    this.host = new WebSocketServer({ ...common, maxPayload: limits.maxPayloadHost });
    this.other = new WebSocketServer({ ...common, maxPayload: limits.maxPayloadOther });
    this.rate = new AddressBuckets(limits.upgradesPerSecond, limits.upgradeBurst);
    this.perIp = new SlotCounter(limits.maxConnectionsPerIp);
    this.perToken = new SlotCounter(limits.maxConnectionsPerToken);
  }

  async handle(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', (e) => this.log.debug('upgrade socket error', { error: e.message }));
    const url = new URL(req.url ?? '/', 'http://relay');
    const ip = this.addresses.of(req);
    if (this.closing) return this.refuse(socket, 1013, 'restarting', 'the relay is restarting; retrying', url.pathname, ip);
    if (!this.allowAttempt(ip)) return this.refuse(socket, 1013, 'rate', 'too many new connections from this address; retrying', url.pathname, ip, this.rate.waitMs(ip));
    const { token, subprotocol } = findToken(req.headers['sec-websocket-protocol'], url.searchParams);
    const verdict = await admit(
      {
        pathname: url.pathname,
        origin: req.headers.origin,
        host: req.headers.host,
        token,
        accessKey: header(req, ACCESS_KEY_HEADER) ?? url.searchParams.get(ACCESS_KEY_PARAM) ?? undefined,
      },
      this.policy,
      this.verifier,
      this.revocations,
      this.registry,
    ).catch((e: Error) => {
      this.log.error('could not check an upgrade', { path: url.pathname, error: e.message });
      return { ok: false as const, code: 1013 as const, kind: 'error', reason: 'the relay could not check the link right now; retrying' };
    });
    if (!verdict.ok) return this.refuse(socket, verdict.code, verdict.kind, verdict.reason, url.pathname, ip);
    const a = verdict.value;
    if (!this.perIp.acquire(ip)) return this.refuse(socket, 1013, 'ip-limit', 'too many connections from this address; retrying', url.pathname, ip);
    if (!this.perToken.acquire(a.claims.jti)) {
      this.perIp.release(ip);
      return this.refuse(socket, 1013, 'token-limit', 'too many connections with this link; retrying', url.pathname, ip);
    }
    const releaseSlots = () => {
      this.perIp.release(ip);
      this.perToken.release(a.claims.jti);
    };
    let room;
    try {
      room = await this.registry.open(a.key, a.room);
    } catch {
      releaseSlots();
      return this.refuse(socket, 1013, 'storage', 'the relay could not load this share from its storage; retrying', url.pathname, ip);
    }
    if (socket.destroyed || this.closing || room.failed) {
      releaseSlots();
      this.registry.releaseIfIdle(room);
      if (!socket.destroyed) this.refuse(socket, 1013, 'restarting', 'the relay is restarting; retrying', url.pathname, ip);
      return;
    }
    const wss = a.role === 'host' ? this.host : this.other;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, socket, { shareId: a.shareId, room: a.room, role: a.role, claims: a.claims, ip }, room, this.limits, this.metrics, this.log, (c) => {
        this.connections.delete(c);
        if (this.connections.size === 0) this.drainWaiters.splice(0).forEach((wake) => wake());
        releaseSlots();
        this.registry.releaseIfIdle(room);
      });
      this.connections.add(conn);
      this.log.debug('connection opened', { path: url.pathname, role: a.role, via: subprotocol ? 'subprotocol' : 'query' });
    });
  }

  /** Takes one admission attempt from the address's per-second budget (upgrades and /check share it). */
  allowAttempt(ip: string): boolean {
    return this.rate.take(ip);
  }

  /** Closes (4401) every connection to `shareId` whose token `record` revokes; returns how many. */
  closeRevoked(shareId: string, record: RevocationRecord): number {
    let closed = 0;
    for (const conn of this.connections) {
      if (conn.admitted.shareId !== shareId || !this.revocations.isRevoked(record, conn.claims)) continue;
      conn.close(CloseCode.unauthorized, 'the host revoked this link');
      closed++;
    }
    return closed;
  }

  /** Resolves when no connection is open. */
  drained(): Promise<void> {
    if (this.connections.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private refuse(socket: Duplex, code: 4401 | 4403 | 1013, kind: string, reason: string, pathname: string, ip: string, retryAfterMs?: number): void {
    this.metrics.authDenials.inc({ reason: kind });
    this.log.info('refused a connection', { path: pathname, reason: kind, ip });
    const status = upgradeStatus[code];
    const body = JSON.stringify({ code, reason });
    const retry = code === 1013 ? `Retry-After: ${Math.max(1, Math.ceil((retryAfterMs ?? 1000) / 1000))}\r\n` : '';
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    socket.once('finish', () => socket.destroy());
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${retry}\r\n${body}`);
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
