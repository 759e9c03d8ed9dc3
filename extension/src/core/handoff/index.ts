// Handoff: materialise a shared session into the local Claude folder (DESIGN.md §6).
export { describePull } from './describePull';
export { HandoffError } from './handoffError';
export { findProjectCandidates, hostBaseName, searchRoots, soleBest, type ProjectCandidate, type ProjectMatch } from './findLocalProject';
export { localProjectDir, rememberProjectDir } from './localProject';
export { materialiseSession, type FileResult, type PullOptions, type PullOutcome, type PullResult } from './materialise';
export { projectFolderName, sanitizeProjectPath } from './projectFolder';
export { resumeCommand, type ResumeCommand } from './resumeCommand';
export { rewriteLineSessionId } from './rewriteSessionId';
export { asNewSession, readSharedSession, type SessionFile, type SharedSession } from './sharedSession';
export { chooseProjectDir, describeCandidate, type ProjectChoice } from './chooseProject';
