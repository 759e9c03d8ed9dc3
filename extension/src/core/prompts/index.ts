// The host's prompt runner: what the CLI and the extension wire. One runner per shared session:
//
//   const runner = await PromptRunner.start({
//     transcriptDoc, queueDoc,            // the share's two rooms, both synced with the relay first
//     sessionId, cwd, claudeDir,          // the shared session as the host found it
//     claude: { command: 'claude', permissionMode, allowedTools },
//     approver: approverFor(policy, createCliApprover({ input: process.stdin, output: process.stderr })),
//     newSessionProjects, journalPath,    // e.g. [cwd] and <tandem state dir>/<shareId>.started
//     log, onSessionSwitch: (e) => tail.follow(e.sessionId),
//   });
//   …
//   await runner.dispose();               // before disconnecting the docs: final statuses are written
export { PromptRunner, type PromptRunnerOptions, type SessionSwitch } from './promptRunner';
export { PROMPT_POLICIES, approverFor, autoApprover, neverApprover, type Approver, type ApprovalRequest, type Decision, type PromptPolicy } from './approval';
export { createCliApprover, type Terminal } from './cliApprover';
export { PERMISSION_MODES, type ClaudeSettings, type PermissionMode } from './claudeProcess';
export type { Logger } from './logger';
