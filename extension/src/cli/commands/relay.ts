import { relayArgOptions, relayHelp, relayUsage, resolveRelayOptions } from '../../../../relay/src/commandLine';
import { followParentIfRelaunched } from '../../../../relay/src/oneCoreGc';
import { startRelay } from '../../../../relay/src/startRelay';
import { ExitCode, UserError, type Command } from '../command';

export const relayCommand: Command = {
  name: 'relay',
  summary: 'run a relay: the server that shares sessions between machines',
  usage: relayUsage,
  help: relayHelp,
  options: relayArgOptions,
  async run({ values }, io) {
    let options;
    try {
      options = resolveRelayOptions(values, io.env, (line) => io.stderr.write(line));
    } catch (e) {
      throw new UserError((e as Error).message, ExitCode.usage);
    }
    followParentIfRelaunched();
    let relay;
    try {
      relay = await startRelay(options);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EADDRINUSE') throw new UserError(`port ${options.port} is already in use; pick another with --port`);
      throw new UserError(`the relay could not start: ${err.message}`);
    }
    io.stdout.write(`tandem relay listening on ${relay.url}${options.dataDir ? ` (rooms kept in ${options.dataDir})` : ' (rooms in memory only)'}\n`);
    await io.interrupted;
    await relay.close();
    return ExitCode.ok;
  },
};
