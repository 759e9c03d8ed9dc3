import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { DEFAULT_MAX_PENDING_PROMPTS } from '../../protocol/src';
import { proxyBlock } from './clientAddress';
import { createJsonLogger, type LogLevel } from './logger';
import type { RelayOptions } from './relayOptions';

// Flags and environment variables of `tandem relay` and the standalone dist/relay.js (one table for both).
// A flag wins over its environment variable.

export const relayArgOptions = {
  host: { type: 'string' },
  port: { type: 'string' },
  data: { type: 'string' },
  memory: { type: 'boolean' },
  redis: { type: 'string' },
  'access-key': { type: 'string' },
  'allow-anyone-to-share': { type: 'boolean' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'static-dir': { type: 'string' },
  'allow-origin': { type: 'string', multiple: true },
  'public-url': { type: 'string' },
  'trusted-proxy': { type: 'string', multiple: true },
  'transcript-quota': { type: 'string' },
  'queue-quota': { type: 'string' },
  'log-level': { type: 'string' },
  'max-pending-prompts': { type: 'string' },
} satisfies NonNullable<ParseArgsConfig['options']>;

export const relayUsage = 'relay [--host 127.0.0.1] [--port 8787] [--data DIR | --memory | --redis URL] [--access-key KEY | --allow-anyone-to-share] [--public-url URL] [--trusted-proxy ADDR] [--tls-cert FILE --tls-key FILE]';

export const relayHelp = [
  '--host ADDR          interface to listen on (TANDEM_RELAY_HOST, default 127.0.0.1)',
  '--port N             port (TANDEM_RELAY_PORT, default 8787; 0 picks a free one)',
  '--data DIR           folder that keeps rooms across restarts (TANDEM_RELAY_DATA, default: your data folder)',
  '--memory             keep rooms in memory only (lost when the relay stops)',
  '--redis URL          keep rooms in Redis, shared by every relay node given the same URL (TANDEM_RELAY_REDIS, redis://[:password@]host:port[/db])',
  '--access-key KEY     hosts need this key to open a new share (TANDEM_RELAY_ACCESS_KEY)',
  '--allow-anyone-to-share  without --access-key, let anyone who reaches the relay open shares (needed to listen beyond loopback without a key; TANDEM_RELAY_ALLOW_ANYONE_TO_SHARE=1)',
  '--tls-cert FILE      PEM certificate: serve https/wss (TANDEM_RELAY_TLS_CERT, with --tls-key)',
  '--tls-key FILE       PEM private key (TANDEM_RELAY_TLS_KEY)',
  '--static-dir DIR     browser viewer build to serve (TANDEM_RELAY_STATIC_DIR, default dist/webview)',
  '--allow-origin O     browser origin allowed to connect, repeatable, `*` suffix matches a prefix (TANDEM_RELAY_ALLOW_ORIGINS, comma-separated; vscode-webview://* always)',
  '--public-url URL     the URL clients reach this relay at, if not its --host (behind a proxy or DNS name; TANDEM_RELAY_PUBLIC_URL); it answers no other name',
  '--trusted-proxy A    a load balancer in front of this relay (address or CIDR block, repeatable; TANDEM_RELAY_TRUSTED_PROXIES, comma-separated): per-address limits count the client it names in X-Forwarded-For',
  '--transcript-quota N bytes the transcript room of one share may hold, e.g. 512MiB (TANDEM_RELAY_TRANSCRIPT_QUOTA, default 1GiB)',
  '--queue-quota N      bytes the queue room of one share may hold (TANDEM_RELAY_QUEUE_QUOTA, default 8MiB)',
  '--log-level L        debug, info, warn or error (TANDEM_RELAY_LOG_LEVEL, default info)',
  `--max-pending-prompts N  prompts one link may have waiting for the host at once (TANDEM_RELAY_MAX_PENDING_PROMPTS, default ${DEFAULT_MAX_PENDING_PROMPTS})`,
];

export type RelayArgValues = { [K in keyof typeof relayArgOptions]?: (typeof relayArgOptions)[K] extends { multiple: true } ? string[] : (typeof relayArgOptions)[K] extends { type: 'boolean' } ? boolean : string };

/** Turns flags + environment into relay options. Throws an Error whose message tells the user what to fix. */
export function resolveRelayOptions(values: RelayArgValues, env: NodeJS.ProcessEnv, writeLog: (line: string) => void): RelayOptions {
  const pick = (flag: string | undefined, name: string) => flag ?? (env[name] || undefined);
  const portText = pick(values.port, 'TANDEM_RELAY_PORT') ?? '8787';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not "${portText}"`);
  const level = (pick(values['log-level'], 'TANDEM_RELAY_LOG_LEVEL') ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new Error(`--log-level must be debug, info, warn or error, not "${level}"`);
  const certFile = pick(values['tls-cert'], 'TANDEM_RELAY_TLS_CERT');
  const keyFile = pick(values['tls-key'], 'TANDEM_RELAY_TLS_KEY');
  if (Boolean(certFile) !== Boolean(keyFile)) throw new Error('--tls-cert and --tls-key go together: pass both or neither');
  const origins = values['allow-origin'] ?? (env.TANDEM_RELAY_ALLOW_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  const publicUrl = pick(values['public-url'], 'TANDEM_RELAY_PUBLIC_URL');
  const trustedProxies = values['trusted-proxy'] ?? (env.TANDEM_RELAY_TRUSTED_PROXIES ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  trustedProxies.forEach(proxyBlock);
  if (publicUrl !== undefined && !/^https?:\/\/[^/?#]+\/?$/i.test(publicUrl)) throw new Error(`--public-url must be an http(s) URL with no path, like https://relay.example, not "${publicUrl}"`);
  const transcriptQuota = pick(values['transcript-quota'], 'TANDEM_RELAY_TRANSCRIPT_QUOTA');
  const queueQuota = pick(values['queue-quota'], 'TANDEM_RELAY_QUEUE_QUOTA');
  const limits = {
    ...(transcriptQuota !== undefined && { transcriptQuotaBytes: parseSize(transcriptQuota, '--transcript-quota') }),
    ...(queueQuota !== undefined && { queueQuotaBytes: parseSize(queueQuota, '--queue-quota') }),
  };
  const redisUrl = pick(values.redis, 'TANDEM_RELAY_REDIS');
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new Error(`--redis takes a redis:// or rediss:// URL, not "${redisUrl}"`);
  if (redisUrl && (values.memory || values.data)) throw new Error('--redis keeps rooms in Redis: drop --data and --memory');
  const pendingText = pick(values['max-pending-prompts'], 'TANDEM_RELAY_MAX_PENDING_PROMPTS') ?? String(DEFAULT_MAX_PENDING_PROMPTS);
  if (!/^[1-9]\d{0,5}$/.test(pendingText)) throw new Error(`--max-pending-prompts must be a whole number from 1 to 999999, not "${pendingText}"`);
  const dataDir = values.memory || redisUrl ? undefined : path.resolve(pick(values.data, 'TANDEM_RELAY_DATA') ?? defaultDataDir(env));
  return {
    host: pick(values.host, 'TANDEM_RELAY_HOST') ?? '127.0.0.1',
    port,
    dataDir,
    redisUrl,
    accessKey: pick(values['access-key'], 'TANDEM_RELAY_ACCESS_KEY'),
    allowAnyoneToShare: values['allow-anyone-to-share'] ?? env.TANDEM_RELAY_ALLOW_ANYONE_TO_SHARE === '1',
    tls: certFile && keyFile ? { cert: readPem(certFile, '--tls-cert'), key: readPem(keyFile, '--tls-key') } : undefined,
    staticDir: pick(values['static-dir'], 'TANDEM_RELAY_STATIC_DIR'),
    allowedOrigins: ['vscode-webview://*', ...origins],
    publicUrl,
    trustedProxies,
    log: createJsonLogger(writeLog, level),
    limits: { ...limits, maxPendingPromptsPerToken: Number(pendingText) },
  };
}

/** The per-user data folder: XDG on Linux, Application Support on macOS, LOCALAPPDATA on Windows. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'), 'tandem', 'relay');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'tandem', 'relay');
  return path.join(env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'tandem', 'relay');
}

const units: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `8MiB`, `512m`, `1G`, `65536`: binary units, an optional `iB`/`B`. */
export function parseSize(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  const bytes = m ? Math.floor(Number(m[1]) * units[m[2].toLowerCase()]) : NaN;
  if (!(bytes >= 1024)) throw new Error(`${flag} must be a size of at least 1KiB, like 8MiB or 1GiB, not "${text}"`);
  return bytes;
}

function readPem(file: string, flag: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read ${flag} ${file}: ${(e as Error).message}`);
  }
}
