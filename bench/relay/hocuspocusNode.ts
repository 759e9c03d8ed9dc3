import { Redis } from '@hocuspocus/extension-redis';
import { Server } from '@hocuspocus/server';

// The peer of `bench scale`: a Hocuspocus node with its Redis extension, as its docs set it up.
// Every connection is accepted (the bench's clients send a dummy token); no persistence.

async function main(): Promise<void> {
  const redisUrl = new URL(process.argv[process.argv.indexOf('--redis') + 1]);
  const server = new Server({
    port: Number(process.env.PORT),
    address: '127.0.0.1',
    quiet: true,
    extensions: [new Redis({ host: redisUrl.hostname, port: Number(redisUrl.port) })],
    async onAuthenticate() {
      return {};
    },
  });
  await server.listen();
  process.stdout.write(`listening http://127.0.0.1:${process.env.PORT}\n`);
  process.once('SIGTERM', () => void server.destroy().then(() => process.exit(0)));
}

void main();
