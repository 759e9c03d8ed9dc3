import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { agentDir, agentLogFile } from '../core/agent/agentFiles';
import { runAgent } from '../core/agent/agentProcess';

// Entry of the detached local agent (dist/agent.js): `node agent.js --home DIR --port N`. Its launcher
// (core/agent/localAgent.ts) reads the one report line on stdout; the relay's log goes to a file.

const { values } = parseArgs({ options: { home: { type: 'string' }, port: { type: 'string' }, 'static-dir': { type: 'string' } } });
const home = values.home!;
const port = Number(values.port);
fs.mkdirSync(agentDir(home), { recursive: true, mode: 0o700 });
const log = fs.openSync(agentLogFile(home, port), 'a', 0o600);
process.stdout.on('error', () => undefined); // the launcher closed its end: nobody reads further reports

void runAgent({
  home,
  port,
  idleMs: Number(process.env.TANDEM_AGENT_IDLE_MS) || 10 * 60_000,
  staticDir: values['static-dir'],
  logLine: (line) => fs.writeSync(log, line),
  report: (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    if (!r.ok) process.exitCode = 1;
  },
});
