// A Task/Agent result names its subagent by id; the subagent's transcript is a side file in one of
// two layouts (transcript-format.md §9): nested `<sessionId>/subagents/agent-<id>.jsonl` or flat
// `agent-<id>.jsonl` beside the session.

export function subagentPath(paths: Iterable<string>, agentId: string): string | undefined {
  const file = `agent-${agentId}.jsonl`;
  for (const path of paths) if (path === file || path.endsWith(`/subagents/${file}`)) return path;
  return undefined;
}
