import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { CloseCode } from '../../protocol/src';
import type { AdmissionPolicy } from './admission';
import { HostNames } from './auth/hostNames';
import { DEFAULT_ALLOWED_ORIGINS } from './auth/originPolicy';
import { Revocations } from './auth/revocations';
import { TokenVerifier } from './auth/tokenVerifier';
import { ClientAddresses } from './clientAddress';
import { Heartbeat } from './heartbeat';
import { createHttpHandler } from './httpRoutes';
import { createJsonLogger, type Logger } from './logger';
import { capPendingSockets } from './pendingSockets';
import { RelayMetrics } from './metrics';
import { defaultLimits, type RelayLimits, type RelayOptions } from './relayOptions';
import { RoomRegistry } from './roomRegistry';
import { defaultStaticDir } from './staticSite';
import { FileStorage } from './storage/fileStorage';
import { MemoryStorage } from './storage/memoryStorage';
import type { RoomStorage } from './storage/roomStorage';
import { Upgrades } from './upgrades';

// The relay's composition root: builds every part once and wires them. Used by `tandem relay`, the
// standalone dist/relay.js, the extension host's embedded relay, tests and the benchmark.

/** The heartbeat period is walked in this many slices (one a second by default). */
const HEARTBEAT_SLICES = 30;

export type RelayHandle = {
  /** http(s)://host:port, the base of share links */
  url: string;
  host: string;
  port: number;
  metrics: RelayMetrics;
  limits: RelayLimits;
  storageKind: RoomStorage['kind'];
  /** live numbers for tests and status displays */
  stats(): { connections: number; rooms: number; lagging: number; maxBufferedBytes: number };
  /** Flushes every room to storage, closes every client with 1012 (restart), stops listening. Idempotent. */
  close(): Promise<void>;
};

export async function startRelay(options: RelayOptions = {}): Promise<RelayHandle> {
  const log = options.log ?? createJsonLogger((line) => process.stderr.write(line));
  const limits: RelayLimits = { ...defaultLimits, ...options.limits };
  const host = options.host ?? '127.0.0.1';
  if (!options.accessKey && !isLoopback(host) && !options.allowAnyoneToShare) {
    throw new Error(
      `it would listen on ${host} with no access key, so anyone who can reach it could open shares on it: pass --access-key KEY (or TANDEM_RELAY_ACCESS_KEY), or --allow-anyone-to-share (TANDEM_RELAY_ALLOW_ANYONE_TO_SHARE=1) if anyone may`,
    );
  }
  const storage: RoomStorage = options.storage ?? (await openStorage(options, log));
  let upgrades: Upgrades | null = null;
  const metrics: RelayMetrics = new RelayMetrics({
    connections: () => {
      const counts = new Map<string, number>();
      for (const c of upgrades?.connections ?? []) {
        const k = `${c.admitted.room}|${c.role}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      return [...counts].map(([k, n]) => [{ room: k.split('|')[0], role: k.split('|')[1] }, n]);
    },
    rooms: () => registry.size(),
    lagging: () => [...(upgrades?.connections ?? [])].filter((c) => c.outbox.lagging).length,
  });
  const registry: RoomRegistry = new RoomRegistry(
    storage,
    {
      chunkBytes: limits.chunkBytes,
      compactFactor: limits.compactFactor,
      compactMinBytes: limits.compactMinBytes,
      quotaBytes: { transcript: limits.transcriptQuotaBytes, queue: limits.queueQuotaBytes },
      idleMs: limits.idleRoomMs,
      queue: { maxPendingPrompts: limits.maxPendingPromptsPerToken },
      awareness: { perSecond: limits.awarenessPerSecond, burst: limits.awarenessBurst, maxStateBytes: limits.maxAwarenessStateBytes },
    },
    metrics,
    log,
  );
  if (storage.metrics) metrics.register(...storage.metrics());
  const verifier = new TokenVerifier();
  const revocations = new Revocations(storage, verifier);
  const policy: AdmissionPolicy = {
    origins: { allowed: [...(options.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS), ...(options.publicUrl ? [new URL(options.publicUrl).origin] : [])] },
    tls: options.tls !== undefined,
    accessKey: options.accessKey || undefined,
    hosts: new HostNames(),
  };
  const addresses = new ClientAddresses(options.trustedProxies ?? []);
  const ups = new Upgrades(policy, limits, verifier, revocations, registry, metrics, log, addresses);
  upgrades = ups;
  storage.onRevoked?.((shareId) => {
    revocations.reload(shareId).then(
      (record) => ups.closeRevoked(shareId, record),
      (e: Error) => log.error('could not read a revocation another node stored', { error: e.message }),
    );
  });
  const handler = createHttpHandler({
    policy,
    verifier,
    revocations,
    registry,
    upgrades: ups,
    addresses,
    metrics,
    log,
    staticDir: options.staticDir ?? defaultStaticDir(),
    notReady: () => (ups.closing ? 'the relay is shutting down' : storage.notReadyReason?.()),
    localSecret: options.localSecret,
    port: () => port,
  });
  let port = 0;
  // Node checks its timeouts every connectionsCheckingInterval; a half-sent request lasts at most about headersTimeoutMs.
  const timeouts = { headersTimeout: limits.headersTimeoutMs, requestTimeout: 3 * limits.headersTimeoutMs, connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs / 4) };
  const server = options.tls ? https.createServer({ ...timeouts, cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(timeouts, handler);
  capPendingSockets(server, limits.maxPendingPerIp, () => metrics.pendingRefusals.inc(), (ip) => addresses.isTrustedProxy(ip));
  server.on('upgrade', (req, socket, head) => void ups.handle(req, socket, head));
  server.on('clientError', (e, socket) => socket.destroy(e));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  policy.hosts.own(host, port, policy.tls, options.publicUrl);

  // Sweep: close sockets stuck catching up (1013) or whose link expired (4401).
  const sweep = setInterval(() => {
    const now = performance.now();
    const nowSeconds = Date.now() / 1000;
    for (const c of ups.connections) {
      if (c.outbox.isStalled(now)) {
        metrics.stalledCloses.inc();
        c.close(CloseCode.tryAgainLater, 'this connection fell too far behind; reconnect');
      }
      else if (c.claims.exp <= nowSeconds) c.close(CloseCode.unauthorized, 'the link expired; ask the host for a new link');
    }
  }, Math.min(1000, limits.lagTimeoutMs / 2));
  sweep.unref();
  // Heartbeat: a socket that did not answer the previous ping is gone (laptop lid closed, NAT timeout); in slices (heartbeat.ts).
  const beats = new Heartbeat(ups.connections, HEARTBEAT_SLICES, limits.heartbeatMs);
  const heartbeat = setInterval(() => beats.tick(), limits.heartbeatMs / HEARTBEAT_SLICES);
  heartbeat.unref();

  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info('relay listening', {
    url,
    storage: storage.kind,
    dataDir: options.redisUrl ? null : (options.dataDir ?? null),
    accessKey: policy.accessKey ? 'required to open shares' : 'not set',
  });
  if (!policy.accessKey && !isLoopback(host)) {
    log.warn('the relay listens beyond loopback without an access key, as --allow-anyone-to-share says: anyone who can reach it can open shares on it');
  }

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      ups.closing = true;
      clearInterval(sweep);
      clearInterval(heartbeat);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await registry.closeAll(CloseCode.restart, 'the relay is restarting; reconnect');
      await waitForSockets(ups, 2000);
      await storage.close();
      server.closeAllConnections();
      await stopped;
      metrics.dispose();
      log.info('relay stopped');
    })());

  return {
    url,
    host,
    port,
    metrics,
    limits,
    storageKind: storage.kind,
    stats: () => ({
      connections: ups.connections.size,
      rooms: registry.size(),
      lagging: [...ups.connections].filter((c) => c.outbox.lagging).length,
      maxBufferedBytes: Math.max(0, ...[...ups.connections].map((c) => c.bufferedBytes())),
    }),
    close,
  };
}

async function openStorage(options: RelayOptions, log: Logger): Promise<RoomStorage> {
  if (options.redisUrl) {
    // loaded only when asked for: the extension's embedded relay never ships the Redis client
    const { RedisStorage } = await import('./redis/redisStorage');
    return RedisStorage.open({ url: options.redisUrl }, log);
  }
  return options.dataDir ? FileStorage.open(options.dataDir, log) : new MemoryStorage();
}

/** Gives closing sockets a moment for the close handshake, then cuts the rest. */
async function waitForSockets(ups: Upgrades, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([ups.drained(), timeout]);
  clearTimeout(timer);
  for (const c of ups.connections) c.terminate();
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.') || host.startsWith('::ffff:127.');
}
