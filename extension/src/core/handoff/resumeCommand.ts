/** How to carry on with a pulled session: `claude --resume <id>` run in the project folder. */
export type ResumeCommand = { cwd: string; command: string; args: string[]; display: string };

export function resumeCommand(projectDir: string, sessionId: string, platform: NodeJS.Platform = process.platform): ResumeCommand {
  const args = ['--resume', sessionId];
  return { cwd: projectDir, command: 'claude', args, display: `cd ${quotePath(projectDir, platform)} && claude ${args.join(' ')}` };
}

/** Quotes a path for the user's shell, only when it needs it (for copy-paste, never executed by us). */
function quotePath(p: string, platform: NodeJS.Platform): string {
  if (/^[A-Za-z0-9_./:\\-]+$/.test(p)) return p;
  return platform === 'win32' ? `"${p}"` : `'${p.replace(/'/g, `'\\''`)}'`;
}
