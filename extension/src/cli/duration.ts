import { ExitCode, UserError } from './command';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** `90s`, `30m`, `12h`, `7d`, `2w` → seconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new UserError(`${flag} takes a duration such as 30m, 12h or 7d`, ExitCode.usage);
  return Number(m[1]) * UNITS[m[2]];
}
