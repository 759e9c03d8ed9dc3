// The host's prompt runner: what the CLI and the extension wire (see promptRunner.ts).
export { PromptRunner, type PromptRunnerOptions, type SessionSwitch } from './promptRunner';
export { PROMPT_POLICIES, approverFor, autoApprover, neverApprover, type Approver, type ApprovalRequest, type Decision, type PromptPolicy } from './approval';
export { createCliApprover, type Terminal } from './cliApprover';
export { PERMISSION_MODES, type ClaudeSettings, type PermissionMode } from './claudeProcess';
export { defaultClaudeDir } from './cleanEnv';
export type { Logger } from './logger';
