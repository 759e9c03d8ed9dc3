import { isRecord } from '../../../protocol/src';
import type { DiffLine, ToolView } from './items';
import { lineDiff, splitLines } from './lineDiff';

// How each tool's input is shown. Claude Code prints a call as `Name(argument)` and then the part of
// the input a reader needs: the command, the diff, the todo list. MCP tools are named
// `mcp__<server>__<tool>`; a server that re-exports the built-ins (`mcp__acp__Bash`) is shown like them.

export function baseToolName(name: string): string {
  const i = name.lastIndexOf('__');
  return name.startsWith('mcp__') && i > 4 ? name.slice(i + 2) : name;
}

type Input = Record<string, unknown>;
type Describe = (input: Input, cwd: string) => { label: string; view: ToolView };

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function relativePath(path: string, cwd: string): string {
  if (!cwd || !path.startsWith(cwd)) return path;
  const rest = path.slice(cwd.length).replace(/^[/\\]/, '');
  return rest || path;
}

const command: Describe = (input) => ({
  label: firstLine(str(input.command)),
  view: { kind: 'command', command: str(input.command), description: str(input.description) || undefined },
});

const search =
  (key: string): Describe =>
  (input, cwd) => {
    const where = [str(input.path) && `in ${relativePath(str(input.path), cwd)}`, str(input.glob) && `(${str(input.glob)})`, str(input.type) && `type ${str(input.type)}`]
      .filter(Boolean)
      .join(' ');
    return { label: str(input[key]), view: { kind: 'summary', text: where ? `"${str(input[key])}" ${where}` : str(input[key]) } };
  };

function diffView(path: string, cwd: string, hunks: DiffLine[][], created: boolean): { label: string; view: ToolView } {
  const count = (op: DiffLine['op']) => hunks.reduce((n, h) => n + h.filter((l) => l.op === op).length, 0);
  const rel = relativePath(path, cwd);
  return { label: rel, view: { kind: 'diff', path: rel, hunks, added: count('+'), removed: count('-'), created } };
}

const describers: Record<string, Describe> = {
  Bash: command,
  BashOutput: (input) => ({ label: str(input.bash_id), view: { kind: 'summary', text: `output of shell ${str(input.bash_id)}` } }),
  KillShell: (input) => ({ label: str(input.shell_id), view: { kind: 'summary', text: `stop shell ${str(input.shell_id)}` } }),
  Read: (input, cwd) => {
    const path = relativePath(str(input.file_path), cwd);
    const offset = typeof input.offset === 'number' ? input.offset : undefined;
    const limit = typeof input.limit === 'number' ? input.limit : undefined;
    const range = offset !== undefined || limit !== undefined ? ` · lines ${offset ?? 1}–${(offset ?? 1) + (limit ?? 0)}` : '';
    return { label: path, view: { kind: 'summary', text: `${path}${range}` } };
  },
  Write: (input, cwd) => diffView(str(input.file_path), cwd, [splitLines(str(input.content)).map((text) => ({ op: '+', text }))], true),
  Edit: (input, cwd) => diffView(str(input.file_path), cwd, [lineDiff(str(input.old_string), str(input.new_string))], false),
  MultiEdit: (input, cwd) => {
    const edits = Array.isArray(input.edits) ? input.edits.filter(isRecord) : [];
    return diffView(str(input.file_path), cwd, edits.map((e) => lineDiff(str(e.old_string), str(e.new_string))), false);
  },
  NotebookEdit: (input, cwd) => {
    const path = relativePath(str(input.notebook_path), cwd);
    return { label: path, view: { kind: 'summary', text: `${str(input.edit_mode) || 'edit'} cell ${str(input.cell_id)} in ${path}` } };
  },
  Grep: search('pattern'),
  Glob: search('pattern'),
  Task: agent,
  Agent: agent,
  TodoWrite: (input) => {
    const todos = (Array.isArray(input.todos) ? input.todos.filter(isRecord) : []).map((t) => ({ text: str(t.content) || str(t.activeForm), status: str(t.status) || 'pending' }));
    return { label: `${todos.length} todo${todos.length === 1 ? '' : 's'}`, view: { kind: 'todos', todos } };
  },
  WebFetch: (input) => ({ label: str(input.url), view: { kind: 'summary', text: [str(input.url), str(input.prompt)].filter(Boolean).join('\n') } }),
  WebSearch: (input) => ({ label: str(input.query), view: { kind: 'summary', text: str(input.query) } }),
};

function agent(input: Input): { label: string; view: ToolView } {
  const description = str(input.description);
  return { label: description, view: { kind: 'agent', description, agentType: str(input.subagent_type) || 'general-purpose', prompt: str(input.prompt) } };
}

export function describeTool(name: string, input: unknown, cwd: string): { label: string; view: ToolView } {
  const record = isRecord(input) ? input : {};
  const describe = describers[baseToolName(name)];
  if (describe) return describe(record, cwd);
  const first = Object.values(record).find((v) => typeof v === 'string') as string | undefined;
  return { label: firstLine(first ?? ''), view: { kind: 'json', json: JSON.stringify(input ?? null, null, 2) ?? '' } };
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0];
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
