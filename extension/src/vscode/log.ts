import * as vscode from 'vscode';
import type { DisposableLike } from './lifecycle';

// The extension's one logger: a LogOutputChannel ("Tandem" in the Output view, level set by the user).
// Tokens never reach it: links are logged through redactLink.

export type Logger = {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
};

export type TandemLog = Logger & DisposableLike & { show(): void };

export function createLog(): TandemLog {
  const channel = vscode.window.createOutputChannel('Tandem', { log: true });
  return {
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m, e) => (e === undefined ? channel.error(m) : channel.error(`${m}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)),
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}

/** A link without its token (the URL fragment), safe for logs. */
export function redactLink(link: string): string {
  const hash = link.indexOf('#');
  return hash < 0 ? link : `${link.slice(0, hash)}#…`;
}
