// Every command the extension contributes (package.json `contributes.commands`; a unit test checks the two
// lists agree). No vscode import, so that test runs in plain Node.
export const COMMAND_IDS = [
  'tandem.shareSession',
  'tandem.stopSharing',
  'tandem.copyObserverLink',
  'tandem.copyPrompterLink',
  'tandem.copyHandoffLink',
  'tandem.openSession',
  'tandem.openSharedSession',
  'tandem.openInEditor',
  'tandem.continueHere',
  'tandem.removeSharedLink',
  'tandem.showPending',
  'tandem.startRelay',
  'tandem.stopRelay',
  'tandem.showLog',
  'tandem.refreshSessions',
] as const;
export type CommandId = (typeof COMMAND_IDS)[number];
