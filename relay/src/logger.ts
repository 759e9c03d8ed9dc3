// The relay's one logger: JSON lines, one object per event. Callers pass fields, never payloads or
// tokens; request paths are logged without their query string (where `?token=` travels).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createJsonLogger(write: (line: string) => void, minLevel: LogLevel = 'info'): Logger {
  const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (rank[level] < rank[minLevel]) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = createJsonLogger(() => undefined, 'error');
