import * as vscode from 'vscode';
import type { DisposableLike } from './lifecycle';
import { COMMAND_IDS, type CommandId } from './commandIds';
import type { Logger } from './log';

// Handlers are a map keyed by COMMAND_IDS, so a command without a handler is a compile error.

// Menus pass the clicked tree item; the palette passes nothing. Handlers narrow the argument themselves.
export type CommandHandlers = { [K in CommandId]: (arg?: unknown) => unknown };

/** A failure the user can act on: shown as is, logged without a stack. */
export class UserFacingError extends Error {}

/** Registers every handler; a failing command is logged and shown to the user in words, never swallowed. */
export function registerCommands(handlers: CommandHandlers, log: Logger): DisposableLike[] {
  return COMMAND_IDS.map((id) =>
    vscode.commands.registerCommand(id, async (arg?: unknown) => {
      try {
        return await handlers[id](arg);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (e instanceof UserFacingError) log.warn(`${id}: ${message}`);
        else log.error(`${id} failed`, e);
        void vscode.window.showErrorMessage(message);
        return undefined;
      }
    }),
  );
}
