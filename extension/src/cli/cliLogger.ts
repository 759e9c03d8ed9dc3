import type { Writable } from 'node:stream';
import { visibleText } from '../../../protocol/src';
import type { Logger } from '../core/prompts';

/** The CLI's logger: warnings and errors to stderr, info too unless quiet, debug only when verbose. */
export function createCliLogger(stderr: Writable, { verbose = false, quiet = false } = {}): Logger {
  const write = (level: string, message: string) => stderr.write(`[${level}] ${visibleText(message)}\n`);
  return {
    debug: (m) => verbose && write('debug', m),
    info: (m) => !quiet && write('info', m),
    warn: (m) => write('warn', m),
    error: (m, e) => write('error', e instanceof Error ? `${m}: ${e.message}` : m),
  };
}
