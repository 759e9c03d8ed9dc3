// What the prompt runner needs from the host's logger (the VS Code LogOutputChannel wrapper and the
// CLI's logger both fit). Prompt text is never passed at info level or above.
export type Logger = {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
};
