import { createJsonLogger } from '../../relay/src/logger';
import { startRelay } from '../../relay/src/startRelay';

// Our relay as the bench runs it: admission limits opened up (every client comes from 127.0.0.1 and a
// thousand of them connect within a second), everything else default. `--data DIR` turns on the
// durable log and `--redis URL` keeps rooms in Redis (a scale-out node); without either rooms live in
// memory, like the reference server without persistence.

async function main(): Promise<void> {
  const dataIndex = process.argv.indexOf('--data');
  const redisIndex = process.argv.indexOf('--redis');
  const relay = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir: dataIndex > 0 ? process.argv[dataIndex + 1] : undefined,
    redisUrl: redisIndex > 0 ? process.argv[redisIndex + 1] : undefined,
    log: createJsonLogger((line) => process.stderr.write(line), 'warn'),
    limits: { upgradesPerSecond: 1e6, upgradeBurst: 1e6, maxConnectionsPerIp: 1e6, maxConnectionsPerToken: 1e6, maxPayloadHost: 128 * 1024 * 1024 },
  });
  process.stdout.write(`listening ${relay.url}\n`);
  process.once('SIGTERM', () => void relay.close().then(() => process.exit(0)));
}

void main();
