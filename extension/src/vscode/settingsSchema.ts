import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { PROMPT_POLICIES } from '../core/prompts/approval';
import { PERMISSION_MODES } from '../core/prompts/claudeProcess';
import { DEFAULT_APPROVAL_TIMEOUT_MS } from '../core/prompts/toolApprovals';
import { TOOL_APPROVAL_POLICIES } from '../../../protocol/src';

// The `tandem.*` settings (package.json contributes.configuration), parsed with zod: settings.json is user
// input. A bad value falls back to its default with a problem message naming the key; the other keys still apply.
// No vscode import, so plain-Node unit tests check this table against package.json.

const trimmed = z.string().trim();
const optionalText = trimmed.transform((s) => s || undefined);

export const SETTING_SCHEMAS = {
  relayUrl: optionalText.pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL (or empty for the embedded relay)' }).transform((s) => s.replace(/\/+$/, '')).optional(),
  ),
  claudeFolder: optionalText,
  claudePath: trimmed.min(1, 'must name the claude executable'),
  hostLabel: optionalText.pipe(z.string().max(100, 'must be at most 100 characters').optional()),
  'remotePrompts.policy': z.enum(PROMPT_POLICIES),
  'remotePrompts.permissionMode': z.enum(PERMISSION_MODES),
  'remotePrompts.allowedTools': z.array(trimmed.min(1, 'a tool name is empty')).max(200),
  'remotePrompts.newSessionProjects': z.array(trimmed.min(1, 'a project path is empty')).max(200),
  'toolApprovals.answerers': z.enum(TOOL_APPROVAL_POLICIES),
  'toolApprovals.remoteTools': z.array(trimmed.min(1, 'a tool name is empty')).max(200),
  'toolApprovals.timeoutSeconds': z.number().int('must be a whole number of seconds').min(5, 'must be at least 5 seconds').max(86_400, 'must be at most 86400 seconds (a day)'),
  restoreShares: z.enum(['ask', 'always', 'never']),
  'stopSharing.keepData': z.boolean(),
} as const;

export type SettingKey = keyof typeof SETTING_SCHEMAS;
export const SETTING_KEYS = Object.keys(SETTING_SCHEMAS) as SettingKey[];
type Parsed = { [K in SettingKey]: z.output<(typeof SETTING_SCHEMAS)[K]> };

export type RemotePromptPolicy = Parsed['remotePrompts.policy'];

export type Settings = {
  /** undefined: run the embedded relay */
  relayUrl: string | undefined;
  /** Claude Code's folder (holds projects/) when the user set one; core's resolveClaudeDir picks the default */
  claudeFolder: string | undefined;
  claudePath: string;
  hostLabel: string;
  remotePrompts: {
    policy: RemotePromptPolicy;
    permissionMode: Parsed['remotePrompts.permissionMode'];
    allowedTools: string[];
    newSessionProjects: string[];
  };
  /** Claude Code's tool requests during remote prompts (the same choices as `tandem share`'s flags) */
  toolApprovals: {
    /** host: only you answer; prompters: prompter links may answer too */
    answerers: Parsed['toolApprovals.answerers'];
    /** tools a prompter's answer may allow; empty: any tool Claude Code asks about */
    remoteTools: string[];
    /** an unanswered request is denied after this long */
    timeoutMs: number;
  };
  sharing: {
    /** what a reloaded window does with the shares it had */
    restore: Parsed['restoreShares'];
    /** Stop Sharing keeps the relay's copy instead of deleting it */
    keepDataOnStop: boolean;
  };
};

const DEFAULTS: Parsed = {
  relayUrl: undefined,
  claudeFolder: undefined,
  claudePath: 'claude',
  hostLabel: undefined,
  'remotePrompts.policy': 'ask',
  'remotePrompts.permissionMode': 'default',
  'remotePrompts.allowedTools': [],
  'remotePrompts.newSessionProjects': [],
  'toolApprovals.answerers': 'host',
  'toolApprovals.remoteTools': [],
  'toolApprovals.timeoutSeconds': DEFAULT_APPROVAL_TIMEOUT_MS / 1000,
  restoreShares: 'ask',
  'stopSharing.keepData': false,
};

export type SettingsEnvironment = { homedir: string; hostname: string };

const processEnvironment = (): SettingsEnvironment => ({ homedir: os.homedir(), hostname: os.hostname() });

function expandHome(p: string, homedir: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(homedir, p.slice(1)) : p;
}

/**
 * Parses raw values (`get(key)` reads `tandem.<key>`; undefined means unset). Returns the settings plus one
 * problem per rejected value, e.g. `tandem.relayUrl: must be an http:// or https:// URL …; using the default`.
 */
export function parseSettings(get: (key: SettingKey) => unknown, environment = processEnvironment()): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const values = {} as Record<SettingKey, unknown>;
  for (const key of SETTING_KEYS) {
    const raw = get(key);
    const r = raw === undefined ? null : SETTING_SCHEMAS[key].safeParse(raw);
    if (r && !r.success) problems.push(`tandem.${key}: ${r.error.issues.map((i) => i.message).join('; ')}; using the default`);
    values[key] = r?.success ? r.data : DEFAULTS[key];
  }
  const v = values as Parsed;
  return {
    problems,
    settings: {
      relayUrl: v.relayUrl,
      claudeFolder: v.claudeFolder === undefined ? undefined : path.resolve(expandHome(v.claudeFolder, environment.homedir)),
      claudePath: expandHome(v.claudePath, environment.homedir),
      hostLabel: v.hostLabel ?? environment.hostname,
      remotePrompts: {
        policy: v['remotePrompts.policy'],
        permissionMode: v['remotePrompts.permissionMode'],
        allowedTools: v['remotePrompts.allowedTools'],
        newSessionProjects: v['remotePrompts.newSessionProjects'].map((p) => path.resolve(expandHome(p, environment.homedir))),
      },
      toolApprovals: {
        answerers: v['toolApprovals.answerers'],
        remoteTools: v['toolApprovals.remoteTools'],
        timeoutMs: v['toolApprovals.timeoutSeconds'] * 1000,
      },
      sharing: { restore: v.restoreShares, keepDataOnStop: v['stopSharing.keepData'] },
    },
  };
}
