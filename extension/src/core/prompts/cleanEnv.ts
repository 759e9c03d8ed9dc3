import path from 'node:path';
import { resolveClaudeDir } from '../transcripts/claudeDir';

// The environment a replayed `claude` runs in. Inherited Claude Code variables are dropped: when
// the host itself runs inside Claude Code (CLAUDECODE=1, CLAUDE_CODE_ENTRYPOINT, SSE ports, …)
// they would make the child behave as a nested tool call. Only what the host's settings name is
// passed on. Everything else (PATH, HOME, proxies, API keys) is kept so `claude` authenticates as
// the host user does.

/** Without a limit an unreachable API keeps a run busy for ~3 minutes of retries. */
export const DEFAULT_MAX_RETRIES = 2;

function isInheritedClaudeVar(name: string): boolean {
  return name === 'CLAUDECODE' || name.startsWith('CLAUDE_CODE_');
}


export type ClaudeEnvOptions = {
  /** the host process's environment */
  base: NodeJS.ProcessEnv;
  /** variables from the host's settings; these win, CLAUDE_CODE_* included */
  overrides?: Readonly<Record<string, string>>;
  /** the Claude folder the host shares from; set as CLAUDE_CONFIG_DIR only when `base` would not find it */
  claudeDir?: string;
};

export function buildClaudeEnv({ base, overrides = {}, claudeDir }: ClaudeEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !isInheritedClaudeVar(name)) env[name] = value;
  }
  env.CLAUDE_CODE_MAX_RETRIES = String(DEFAULT_MAX_RETRIES);
  // Pointing CLAUDE_CONFIG_DIR at the default folder would move ~/.claude.json there, so only a different folder is set.
  if (claudeDir && path.resolve(claudeDir) !== path.resolve(resolveClaudeDir({ env }).dir)) env.CLAUDE_CONFIG_DIR = claudeDir;
  return { ...env, ...overrides };
}
