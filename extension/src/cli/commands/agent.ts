import { DEFAULT_RELAY_PORT, listAgentStates } from '../../core/agent/agentFiles';
import { stopAgent } from '../../core/agent/localAgent';
import { tandemHome } from '../../core/sync/shareStore';
import { ExitCode, UserError, type Command } from '../command';
import { startLocalRelay } from '../embeddedRelay';

// `tandem agent start|status|stop`: the per-user background process that runs the local relay
// (core/agent). `tandem share` starts it on demand; it leaves by itself 10 minutes after its last
// connection closed.

export const agentCommand: Command = {
  name: 'agent',
  summary: 'the background process that runs your local relay: start, status, stop',
  usage: 'agent start|status|stop [--port N] [--json]',
  help: [
    'start      start the local relay (tandem share does this on demand)',
    'status     is it running: pid, address, data folder',
    'stop       stop it (rooms are flushed; viewers of its shares lose the connection)',
    '--port N   the agent for this port (default 8787; stop without --port stops every one)',
    '--json     status as JSON',
  ],
  options: { port: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const home = tandemHome(io.env);
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port <= 0 || port > 65535)) throw new UserError('--port must be a port number (1–65535)', ExitCode.usage);
    const action = positionals[0] ?? 'status';
    if (action === 'start') {
      const relay = await startLocalRelay(home, port ?? DEFAULT_RELAY_PORT, io.stderr);
      io.stdout.write(`local relay running on ${relay.url} (pid ${relay.agentPid ?? '?'}, rooms in ${relay.dataDir})\n`);
      return ExitCode.ok;
    }
    const states = (await listAgentStates(home)).filter((s) => port === undefined || s.port === port);
    if (action === 'status') {
      if (values.json) io.stdout.write(`${JSON.stringify({ agents: states }, null, 2)}\n`);
      else if (!states.length) io.stdout.write('no local relay is running\n');
      else for (const s of states) io.stdout.write(`local relay on ${s.url}: pid ${s.pid}, since ${new Date(s.startedAt).toISOString()}, rooms in ${s.dataDir}\n`);
      return ExitCode.ok;
    }
    if (action === 'stop') {
      if (!states.length) {
        io.stdout.write('no local relay is running\n');
        return ExitCode.ok;
      }
      for (const s of states) {
        const pid = await stopAgent(home, s.port);
        io.stdout.write(pid ? `stopped the local relay on ${s.url} (pid ${pid})\n` : `the local relay on ${s.url} was not running\n`);
      }
      return ExitCode.ok;
    }
    throw new UserError(`unknown action "${action}": expected start, status or stop`, ExitCode.usage);
  },
};
