// What a person needs to judge a tool request, cut to a size the shared document can hold: Bash as
// its command, Edit/Write/MultiEdit as the file and a diff of the change, other tools as their paths
// and their input as JSON text.

const INPUT_MAX = 16 * 1024;
const COMMAND_MAX = 8 * 1024;
const DIFF_MAX = 16 * 1024;

export type ToolInputView = { input: string; command?: string; path?: string; diff?: string };

export function describeToolInput(toolName: string, input: Record<string, unknown>): ToolInputView {
  const view: ToolInputView = { input: cut(JSON.stringify(input, null, 2) ?? '{}', INPUT_MAX) };
  const path = str(input.file_path) ?? str(input.notebook_path) ?? str(input.path);
  if (path) view.path = cut(path, 4096);
  if (toolName === 'Bash') {
    const command = str(input.command);
    if (command) view.command = cut(command, COMMAND_MAX);
  }
  const diff = diffOf(toolName, input, path ?? '');
  if (diff) view.diff = cut(diff, DIFF_MAX);
  return view;
}

function diffOf(toolName: string, input: Record<string, unknown>, path: string): string | undefined {
  if (toolName === 'Write') return hunks(path, [{ old: '', new: str(input.content) ?? '' }]);
  if (toolName === 'Edit') return hunks(path, [{ old: str(input.old_string) ?? '', new: str(input.new_string) ?? '' }]);
  if (toolName === 'MultiEdit' && Array.isArray(input.edits)) {
    const edits = input.edits.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
    return hunks(path, edits.map((e) => ({ old: str(e.old_string) ?? '', new: str(e.new_string) ?? '' })));
  }
  return undefined;
}

function hunks(path: string, edits: { old: string; new: string }[]): string {
  const lines = (text: string, mark: string) => (text === '' ? [] : text.split('\n').map((l) => `${mark}${l}`));
  const body = edits.flatMap((e) => ['@@', ...lines(e.old, '-'), ...lines(e.new, '+')]);
  return [`--- ${path}`, `+++ ${path}`, ...body].join('\n');
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
