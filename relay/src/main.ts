import { parseArgs } from 'node:util';
import { relayArgOptions, relayHelp, relayUsage, resolveRelayOptions } from './commandLine';
import { followParentIfRelaunched, relaunchWithSingleThreadedGcOnOneCore } from './oneCoreGc';
import { startRelay } from './startRelay';

// Standalone relay (dist/relay.js): the same relay as `tandem relay`, without the rest of the CLI.
// SIGTERM/SIGINT flush every room to disk, close clients with 1012 (restart), then exit.

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: process.argv.slice(2), options: { ...relayArgOptions, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (e) {
    process.stderr.write(`tandem relay: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write([`Usage: node relay.js ${relayUsage.replace(/^relay /, '')}`, '', ...relayHelp.map((h) => `  ${h}`), ''].join('\n'));
    return 0;
  }
  const relaunched = relaunchWithSingleThreadedGcOnOneCore();
  if (relaunched) return relaunched;
  followParentIfRelaunched();
  const relay = await startRelay(resolveRelayOptions(values, process.env, (line) => process.stderr.write(line)));
  process.stdout.write(`tandem relay listening on ${relay.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await relay.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`tandem relay: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
