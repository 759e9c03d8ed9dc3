// Claude Code stores more than typed prompts in `user` lines: slash-command echoes, their output, shell
// escapes (`!cmd`), caveats and system reminders, all as pseudo-XML inside the text. This sorts them so
// the viewer shows `/model opus` as a command and hides reminders the way Claude Code's own UI does.

export type UserText =
  | { kind: 'prompt'; text: string }
  | { kind: 'command'; command: string; output: string }
  | { kind: 'hidden'; text: string };

const tag = (text: string, name: string): string | undefined => {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(text);
  return m ? m[1].trim() : undefined;
};

export function classifyUserText(text: string): UserText {
  const trimmed = text.trim();
  const name = tag(trimmed, 'command-name');
  if (name !== undefined) {
    const args = tag(trimmed, 'command-args') ?? '';
    return { kind: 'command', command: `${name.startsWith('/') ? name : `/${name}`}${args ? ` ${args}` : ''}`, output: '' };
  }
  const bash = tag(trimmed, 'bash-input');
  if (bash !== undefined) return { kind: 'command', command: `! ${bash}`, output: '' };
  const stdout = tag(trimmed, 'local-command-stdout') ?? tag(trimmed, 'bash-stdout');
  const stderr = tag(trimmed, 'bash-stderr');
  if (stdout !== undefined || stderr !== undefined) return { kind: 'command', command: '', output: [stdout, stderr].filter(Boolean).join('\n') };
  if (/^<(local-command-caveat|system-reminder)>[\s\S]*<\/\1>$/.test(trimmed)) return { kind: 'hidden', text: trimmed };
  return { kind: 'prompt', text: stripReminders(text) };
}

/** System reminders appended to a real prompt are not what the person typed. */
export function stripReminders(text: string): string {
  return text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '').trim();
}
