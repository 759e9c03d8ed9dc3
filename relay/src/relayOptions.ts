import { DEFAULT_MAX_PENDING_PROMPTS } from '../../protocol/src';
import type { Logger } from './logger';
import type { RoomStorage } from './storage/roomStorage';

const MiB = 1024 * 1024;

/** Tunables with safe defaults; tests and the benchmark override some of them. */
export type RelayLimits = {
  /** largest frame a host may send (its first sync of a big transcript) */
  maxPayloadHost: number;
  /** largest frame a prompter or observer may send (a prompt of MAX_PROMPT_CHARS fits) */
  maxPayloadOther: number;
  /** size of the pieces a big sync is sent in */
  chunkBytes: number;
  /** a socket whose send buffer is over this stops getting live updates and is resynced when it drains */
  highWaterBytes: number;
  /** a socket catching up is sent more only while its buffer is under this */
  lowWaterBytes: number;
  /** a socket that makes no progress catching up for this long is closed with 1013 */
  lagTimeoutMs: number;
  /** new connections (upgrades and /check calls) per second and per client address */
  upgradesPerSecond: number;
  upgradeBurst: number;
  /** sockets per client address that have not finished sending their request headers */
  maxPendingPerIp: number;
  /** a socket that has not sent its request headers within this long is closed */
  headersTimeoutMs: number;
  maxConnectionsPerIp: number;
  maxConnectionsPerToken: number;
  awarenessPerSecond: number;
  awarenessBurst: number;
  maxAwarenessStateBytes: number;
  /** bytes one share's transcript room may hold; a write past it closes the writer with 4413 */
  transcriptQuotaBytes: number;
  /** bytes one share's queue room may hold (prompts, cancels, answers) */
  queueQuotaBytes: number;
  /** a room with no connections leaves memory after this long */
  idleRoomMs: number;
  /** ping interval; a socket that missed one pong is dropped */
  heartbeatMs: number;
  /** compact a room log once it is this many times the size of its last compacted form */
  compactFactor: number;
  compactMinBytes: number;
  /** prompts one link may have waiting (no final status from the host) at once */
  maxPendingPromptsPerToken: number;
};

export const defaultLimits: RelayLimits = {
  maxPayloadHost: 64 * MiB,
  maxPayloadOther: 1 * MiB,
  chunkBytes: 2 * MiB,
  highWaterBytes: 8 * MiB,
  lowWaterBytes: 2 * MiB,
  lagTimeoutMs: 30_000,
  upgradesPerSecond: 100,
  upgradeBurst: 200,
  maxPendingPerIp: 32,
  headersTimeoutMs: 10_000,
  maxConnectionsPerIp: 256,
  maxConnectionsPerToken: 128,
  awarenessPerSecond: 5,
  awarenessBurst: 10,
  maxAwarenessStateBytes: 4096,
  // A long real session is 100-200 MB of transcript; 1 GiB leaves room for that and its side files
  // while bounding what one share can make the relay hold in memory and on disk.
  transcriptQuotaBytes: 1024 * MiB,
  // A prompt is at most a few hundred KB and usually a few KB: 8 MiB is thousands of prompts.
  queueQuotaBytes: 8 * MiB,
  idleRoomMs: 30_000,
  heartbeatMs: 30_000,
  compactFactor: 4,
  compactMinBytes: 1 * MiB,
  maxPendingPromptsPerToken: DEFAULT_MAX_PENDING_PROMPTS,
};

export type RelayOptions = {
  /** interface to listen on; default 127.0.0.1 */
  host?: string;
  /** default 8787; 0 picks a free port */
  port?: number;
  /** folder for the embedded store; without it rooms live in memory only */
  dataDir?: string;
  /** `redis://[user:password@]host:port[/db]`: rooms live in Redis, shared by every relay node using it (takes precedence over dataDir) */
  redisUrl?: string;
  /** when set, opening a share that is not on the relay yet needs this key (host connections only) */
  accessKey?: string;
  /** a relay listening beyond loopback without an access key refuses to start unless this says anyone may open shares */
  allowAnyoneToShare?: boolean;
  /** PEM certificate and key: serve https/wss */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** browser viewer build to serve at / and /s/<share id>; default dist/webview next to the bundle */
  staticDir?: string;
  /** the URL clients reach the relay at when it is not its bind address (behind a proxy, a DNS name) */
  publicUrl?: string;
  /**
   * Load balancers in front of the relay (addresses or CIDR blocks): for their sockets the client's
   * address, which per-address budgets count, is read from X-Forwarded-For. Nobody else's header is believed.
   */
  trustedProxies?: string[];
  /** browser origins allowed besides the relay's own; default VS Code webviews */
  allowedOrigins?: string[];
  log?: Logger;
  /** a storage backend of your own (takes precedence over dataDir) */
  storage?: RoomStorage;
  limits?: Partial<RelayLimits>;
  /** a local agent's secret: the relay answers POST /local/proof with it (relay/src/localProof.ts) */
  localSecret?: Uint8Array;
};
