// The host's prompt runner: what the CLI and the extension wire. One runner per shared session:
//
//   const runner = await PromptRunner.start({
//     transcriptDoc, queueDoc,            // the share's two rooms, both synced with the relay first
//     sessionId, cwd, claudeDir,          // the shared session as the host found it
//     claude: { command: 'claude', permissionMode, allowedTools },
//     approver: approverFor(policy, createCliApprover({ input: process.stdin, output: process.stderr })),
//     toolApprovals: { policy: 'prompters', hostAsker: createCliToolAsker(terminal) },
//     processPool,                        // one ProcessPool for every share of the host
//     newSessionProjects, journalPath,    // e.g. [cwd] and <tandem state dir>/<shareId>.started
//     log, onSessionSwitch: (e) => tail.follow(e.sessionId),
//   });
//   …
//   await runner.dispose();               // before disconnecting the docs: final statuses are written
export { PromptRunner, type PromptRunnerOptions, type SessionSwitch, type ToolApprovalSettings } from './promptRunner';
export { DEFAULT_MAX_PROCESSES, ProcessPool } from './processPool';
export { DEFAULT_APPROVAL_TIMEOUT_MS, type AskingPrompt, type HostToolAnswer, type HostToolAsker } from './toolApprovals';
export { PROMPT_POLICIES, approverFor, autoApprover, neverApprover, type Approver, type ApprovalRequest, type Decision, type PromptPolicy } from './approval';
export { createCliApprover, createCliToolAsker, describeToolRequest, type Terminal } from './cliApprover';
export { PERMISSION_MODES, type ClaudeSettings, type PermissionMode } from './claudeProcess';
export type { Logger } from './logger';
