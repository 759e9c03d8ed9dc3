import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

// What the local agent keeps in the user's Tandem folder (<home>/agent, mode 0700):
//   secret             32 random bytes (hex), mode 0600: the agent's relay proves it knows them
//   relay-<port>.json  the running agent: pid, url, data folder (written by the agent, removed on exit)
//   relay-<port>.log   the agent's relay log (JSON lines)
// Rooms stay where `tandem share` always kept them: <home>/relay (port 8787) or <home>/relay-<port>.

export const DEFAULT_RELAY_PORT = 8787;

export function agentDir(home: string): string {
  return path.join(home, 'agent');
}

export function relayDataDir(home: string, port: number): string {
  return path.join(home, port === DEFAULT_RELAY_PORT ? 'relay' : `relay-${port}`);
}

export const agentStateFile = (home: string, port: number) => path.join(agentDir(home), `relay-${port}.json`);
export const agentLogFile = (home: string, port: number) => path.join(agentDir(home), `relay-${port}.log`);

export const AgentState = z.object({ pid: z.number().int().positive(), port: z.number().int(), url: z.string(), dataDir: z.string(), startedAt: z.number() });
export type AgentState = z.infer<typeof AgentState>;

/** The user's agent secret, made on first use (exclusively, 0600, so two first users agree on one). */
export async function agentSecret(home: string): Promise<Buffer> {
  const dir = agentDir(home);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
  const file = path.join(dir, 'secret');
  try {
    await fs.writeFile(file, crypto.randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  await fs.chmod(file, 0o600);
  const hex = (await fs.readFile(file, 'utf8')).trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file} is damaged; delete it (a new one is made) and try again`);
  return Buffer.from(hex, 'hex');
}

export async function readAgentState(home: string, port: number): Promise<AgentState | undefined> {
  const text = await fs.readFile(agentStateFile(home, port), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const r = AgentState.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** Every agent state file in the folder (one per port). */
export async function listAgentStates(home: string): Promise<AgentState[]> {
  const names = await fs.readdir(agentDir(home)).catch(() => [] as string[]);
  const ports = names.map((n) => /^relay-(\d+)\.json$/.exec(n)?.[1]).filter((p): p is string => p !== undefined);
  const states = await Promise.all(ports.map((p) => readAgentState(home, Number(p))));
  return states.filter((s): s is AgentState => s !== undefined);
}
