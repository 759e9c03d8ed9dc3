import type * as vscode from 'vscode';
import { UserFacingError, registerCommands } from './commands';
import { DisposableStore } from './lifecycle';
import { createLog } from './log';

/** The composition root: constructs every service once and wires them. */
export function createTandem(context: vscode.ExtensionContext): void {
  const owned = new DisposableStore();
  context.subscriptions.push(owned);
  const log = owned.add(createLog());
  const notYet = (what: string) => () => {
    throw new UserFacingError(`${what} is not available in this build yet.`);
  };
  for (const d of registerCommands(
    {
      'tandem.shareSession': notYet('Sharing'),
      'tandem.stopSharing': notYet('Sharing'),
      'tandem.copyObserverLink': notYet('Sharing'),
      'tandem.copyPrompterLink': notYet('Sharing'),
      'tandem.copyHandoffLink': notYet('Sharing'),
      'tandem.openSession': notYet('The session viewer'),
      'tandem.openSharedSession': notYet('The session viewer'),
      'tandem.continueHere': notYet('Handoff'),
      'tandem.startRelay': notYet('The embedded relay'),
      'tandem.stopRelay': notYet('The embedded relay'),
      'tandem.showLog': () => log.show(),
      'tandem.refreshSessions': notYet('The session list'),
    },
    log,
  ))
    owned.add(d);
  log.info('activated');
}
