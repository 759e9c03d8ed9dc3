// Claude Code writes more than typed prompts as `user` text: slash-command invocations, their output,
// shell escapes (`!cmd`), background-task notifications, interrupt markers, caveats and system
// reminders, as pseudo-XML inside the text (transcript-format.md §6). This is the one place that sorts
// them; the viewer, `tandem open` and session titles all read a user text through it.

export type UserMarkup =
  /** what a person typed, system reminders taken out */
  | { kind: 'prompt'; text: string; reminders: string[] }
  /** `/name args`, as Claude Code records a slash command */
  | { kind: 'command'; command: string }
  /** `! cmd`, a shell escape typed at the prompt */
  | { kind: 'shell'; command: string }
  /** what a slash command or shell escape printed */
  | { kind: 'output'; stdout: string; stderr: string }
  /** a background task finished (`<task-notification>`): Claude Code's message to the model, not a prompt */
  | { kind: 'task'; status: string; summary: string; detail: string }
  /** "[Request interrupted by user]": the person stopped the turn (or refused a tool) */
  | { kind: 'interrupt'; toolUse: boolean }
  /** a line made only of system reminders */
  | { kind: 'reminder'; reminders: string[] }
  /** the caveat Claude Code puts before command output, meant for the model */
  | { kind: 'caveat'; text: string };

const REMINDER = /<system-reminder>([\s\S]*?)<\/system-reminder>/g;
const INTERRUPT = /^\[Request interrupted by user( for tool use)?\]$/;

function tag(text: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(text);
  return m ? m[1].trim() : undefined;
}

/** Takes the `<system-reminder>` blocks out of a text (a prompt, a tool result). */
export function splitReminders(text: string): { text: string; reminders: string[] } {
  const reminders: string[] = [];
  const rest = text.replace(REMINDER, (_m, body: string) => {
    reminders.push(body.trim());
    return '';
  });
  return { text: reminders.length ? rest.trim() : text, reminders };
}

export function classifyUserMarkup(text: string): UserMarkup {
  const t = text.trim();
  const name = tag(t, 'command-name');
  if (name !== undefined && /^<command-(name|message|args)>/.test(t)) {
    const args = tag(t, 'command-args') ?? '';
    return { kind: 'command', command: `${name.startsWith('/') ? name : `/${name}`}${args ? ` ${args}` : ''}` };
  }
  if (t.startsWith('<bash-input>')) return { kind: 'shell', command: tag(t, 'bash-input') ?? '' };
  if (/^<(local-command-std(out|err)|bash-std(out|err))>/.test(t)) {
    const stdout = [tag(t, 'local-command-stdout'), tag(t, 'bash-stdout')].filter(Boolean).join('\n');
    const stderr = [tag(t, 'local-command-stderr'), tag(t, 'bash-stderr')].filter(Boolean).join('\n');
    return { kind: 'output', stdout, stderr };
  }
  if (t.startsWith('<task-notification>')) {
    const detail = t.replace(/^<task-notification>[\s\S]*?<\/task-notification>/, '').trim();
    return { kind: 'task', status: tag(t, 'status') ?? '', summary: tag(t, 'summary') ?? 'A background task finished', detail };
  }
  const interrupt = INTERRUPT.exec(t);
  if (interrupt) return { kind: 'interrupt', toolUse: interrupt[1] !== undefined };
  if (t.startsWith('<local-command-caveat>')) return { kind: 'caveat', text: tag(t, 'local-command-caveat') ?? '' };
  const { text: rest, reminders } = splitReminders(text);
  if (reminders.length && !rest) return { kind: 'reminder', reminders };
  return { kind: 'prompt', text: rest, reminders };
}

/** A bare slash command typed as text (`/voice`, `/model opus`), as history.jsonl records one; a path is not one. */
const SLASH_COMMAND = /^\/[A-Za-z][\w:.-]*(\s|$)/;

/** The text that may title a session: a prompt a person typed, never a command, its output or a notice. */
export function titleText(text: string): string | undefined {
  const markup = classifyUserMarkup(text);
  if (markup.kind !== 'prompt') return undefined;
  const line = markup.text.replace(/\s+/g, ' ').trim();
  if (!line || SLASH_COMMAND.test(line) || line.startsWith('Caveat:') || line.startsWith('<user-prompt-submit-hook>')) return undefined;
  return line;
}
