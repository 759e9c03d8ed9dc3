import path from 'node:path';

// What a file under projects/ is, by its place in the layout (transcript-format.md §1):
//   <folder>/<sessionId>.jsonl                   the main transcript
//   <folder>/<sessionId>/subagents/<name>.jsonl  a subagent transcript (side lines)
//   <folder>/<sessionId>/<anything else>         tool-results, .meta.json, … (side blobs)
//   <folder>/agent-<id>.jsonl                    a flat subagent transcript; its parent is the sessionId inside
// Anything else (memory/, sessions-index.json) is not part of a session.

const SESSION_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const FLAT_AGENT = /^agent-[A-Za-z0-9_-]{1,100}\.jsonl$/;

export type ProjectFile =
  | { kind: 'session'; folder: string; sessionId: string }
  | { kind: 'subagent'; folder: string; sessionId: string; sidePath: string }
  | { kind: 'side-blob'; folder: string; sessionId: string; sidePath: string }
  | { kind: 'flat-agent'; folder: string; sidePath: string };

export function isSessionId(name: string): boolean {
  return SESSION_ID.test(name);
}

/** Classifies a path given relative to the projects folder (either separator). */
export function classifyProjectPath(relative: string): ProjectFile | undefined {
  const parts = relative.split(/[\\/]/).filter(Boolean);
  if (parts.length < 2) return undefined;
  const [folder, second, ...rest] = parts;
  if (rest.length === 0) {
    if (second.endsWith('.jsonl') && isSessionId(second.slice(0, -6))) return { kind: 'session', folder, sessionId: second.slice(0, -6) };
    if (FLAT_AGENT.test(second)) return { kind: 'flat-agent', folder, sidePath: second };
    return undefined;
  }
  if (!isSessionId(second)) return undefined;
  const sidePath = [second, ...rest].join('/');
  const isSubagentLines = rest.length === 2 && rest[0] === 'subagents' && rest[1].endsWith('.jsonl');
  return { kind: isSubagentLines ? 'subagent' : 'side-blob', folder, sessionId: second, sidePath };
}

/** Whether a watcher can skip this path (relative to the projects folder) and everything below it. */
export function isOutsideSessions(relative: string): boolean {
  const parts = relative.split(/[\\/]/).filter(Boolean);
  if (parts.length <= 1) return false;
  if (parts.length === 2) return !isSessionId(parts[1]) && !classifyProjectPath(relative);
  return !isSessionId(parts[1]);
}

export function sessionFile(projectsDir: string, folder: string, sessionId: string): string {
  return path.join(projectsDir, folder, `${sessionId}.jsonl`);
}
