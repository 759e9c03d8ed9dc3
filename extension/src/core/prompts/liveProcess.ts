import fs from 'node:fs';

// Is a process that wrote a pid into a file still the one running? A pid alone can be reused after
// a crash, so where Linux tells a process's start time (/proc/<pid>/stat field 22, the value
// Claude Code records as `procStart`), it must match too.

/** The start time of `pid` in clock ticks since boot, when the platform tells it. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // the command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

export function isProcessAlive(pid: number, procStart?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (procStart === undefined) return true;
  const actual = processStartTime(pid);
  return actual === undefined || actual === procStart;
}
