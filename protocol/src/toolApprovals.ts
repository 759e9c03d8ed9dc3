import { z } from 'zod';
import { TokenId } from './tokens';

// Remote tool approvals (DESIGN.md §5). When Claude Code asks to use a tool during a replay, the host
// publishes a pending approval in the transcript room; people answer in the queue room's `answers`;
// the host checks each answer (still pending, the answerer may answer, the tool may be granted
// remotely) and the first valid one wins. Who answered is kept in the approval and the run's status.

/** host: only the host answers (terminal, VS Code); prompters: prompter links may answer too */
export const TOOL_APPROVAL_POLICIES = ['host', 'prompters'] as const;
export const ToolApprovalPolicy = z.enum(TOOL_APPROVAL_POLICIES);
export type ToolApprovalPolicy = z.infer<typeof ToolApprovalPolicy>;

/** Short enough to type after `tandem approve LINK`; the same form as a prompt id. */
export const ApprovalId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'an id is 8–64 characters of [A-Za-z0-9_-]');

export const ToolDecision = z.enum(['allow', 'allow-session', 'deny']);
export type ToolDecision = z.infer<typeof ToolDecision>;

export const MAX_ANSWER_MESSAGE = 2000;
const MAX_UPDATED_INPUT = 64 * 1024;

/** What a prompter (or the host) writes into the queue room to answer a pending approval. */
export const ToolAnswer = z.object({
  id: ApprovalId,
  requestId: ApprovalId,
  decision: ToolDecision,
  /** for deny: told to Claude; for allow: ignored */
  message: z.string().max(MAX_ANSWER_MESSAGE).optional(),
  /** answers to AskUserQuestion / an edited plan for ExitPlanMode; other tools ignore it */
  updatedInput: z
    .record(z.string(), z.unknown())
    .refine((v) => JSON.stringify(v).length <= MAX_UPDATED_INPUT, `updatedInput is at most ${MAX_UPDATED_INPUT} characters of JSON`)
    .optional(),
  /** the writer's link name (linkName of its token); the relay refuses any other */
  author: z.string().min(1).max(100),
  /** the writer's token id (`jti`); the relay refuses any other */
  tokenId: TokenId,
  createdAt: z.number().int().nonnegative(),
});
export type ToolAnswer = z.infer<typeof ToolAnswer>;

export const ApprovalState = z.enum(['pending', 'allowed', 'denied', 'expired', 'withdrawn']);
export type ApprovalState = z.infer<typeof ApprovalState>;

/** An answer the host did not take, and why: shown to the person who sent it. */
export const RefusedAnswer = z.object({ answerId: ApprovalId, author: z.string().max(100), reason: z.string().max(500) });
export type RefusedAnswer = z.infer<typeof RefusedAnswer>;

// AskUserQuestion and ExitPlanMode, as Claude Code 2.1.197 sends and takes them: the request's input is
// `{questions: [{question, header, options: [{label, description, preview?}], multiSelect}]}` (1–4
// questions, 2–4 options, texts unique) or `{plan, planFilePath?}`; the person's answer goes back as
// `updatedInput` `{questions, answers: {[question text]: label | labels joined ", " | own text}}`, or
// `{plan}` for the plan as approved. The host parses both sides with these schemas.

export const ASK_USER_QUESTION = 'AskUserQuestion';
export const EXIT_PLAN_MODE = 'ExitPlanMode';
export const MAX_QUESTION_TEXT = 2000;
export const MAX_ANSWER_TEXT = 2000;
export const MAX_PLAN = 32 * 1024;

export const QuestionOption = z.object({ label: z.string().min(1).max(200), description: z.string().max(MAX_QUESTION_TEXT).default('') });
export type QuestionOption = z.infer<typeof QuestionOption>;

export const AskedQuestion = z.object({
  question: z.string().min(1).max(MAX_QUESTION_TEXT),
  header: z.string().max(100).default(''),
  options: z.array(QuestionOption).min(1).max(8),
  multiSelect: z.boolean().default(false),
});
export type AskedQuestion = z.infer<typeof AskedQuestion>;

/** The questions of an AskUserQuestion request, as the host publishes them for the form. */
export const AskedQuestions = z.array(AskedQuestion).min(1).max(4);

/** What a person may put in `updatedInput` for AskUserQuestion: answers keyed by the question's exact text. */
export const QuestionAnswers = z.strictObject({
  answers: z.record(z.string().max(MAX_QUESTION_TEXT), z.string().max(MAX_ANSWER_TEXT)).refine((a) => Object.keys(a).length <= 4, 'at most 4 answers'),
});
export type QuestionAnswers = z.infer<typeof QuestionAnswers>;

/** What a person may put in `updatedInput` for ExitPlanMode: the plan as approved. */
export const PlanAnswer = z.strictObject({ plan: z.string().min(1).max(MAX_PLAN) });

/** A tool request as viewers see it. Inputs are previews: the host cuts them to a few KB. */
export const PendingApproval = z.object({
  id: ApprovalId,
  promptId: ApprovalId,
  toolName: z.string().max(200),
  /** the tool_use block's id in the transcript, so viewers can show the request at that tool call */
  toolUseId: z.string().max(200).optional(),
  /** the tool's input as JSON text, shortened */
  input: z.string().max(16 * 1024),
  /** Bash: the command; Edit/Write: the file and a unified diff of the change */
  command: z.string().max(8 * 1024).optional(),
  path: z.string().max(4096).optional(),
  diff: z.string().max(16 * 1024).optional(),
  /** AskUserQuestion: its questions, for a form */
  questions: AskedQuestions.optional(),
  /** ExitPlanMode: the plan (markdown), shortened to MAX_PLAN */
  plan: z.string().max(MAX_PLAN).optional(),
  /** why Claude Code asks, and the rules "allow for this session" would add */
  reason: z.string().max(2000).optional(),
  suggestions: z.array(z.string().max(500)).max(20).optional(),
  /** ms since the epoch, host clock */
  createdAt: z.number().int().nonnegative(),
  deadline: z.number().int().nonnegative(),
  state: ApprovalState,
  /** who may answer, as the host decided */
  answerers: ToolApprovalPolicy,
  decision: ToolDecision.optional(),
  answeredBy: z.string().max(100).optional(),
  answerId: ApprovalId.optional(),
  answeredAt: z.number().int().nonnegative().optional(),
  /** the deny message Claude got, or why the request ended without an answer */
  message: z.string().max(MAX_ANSWER_MESSAGE).optional(),
  refused: z.array(RefusedAnswer).max(50).optional(),
});
export type PendingApproval = z.infer<typeof PendingApproval>;

/** Who answered what during a run, kept in its status. */
export const ToolAnswerRecord = z.object({
  requestId: ApprovalId,
  toolName: z.string().max(200),
  decision: z.union([ToolDecision, z.literal('expired'), z.literal('withdrawn')]),
  by: z.string().max(100).optional(),
});
export type ToolAnswerRecord = z.infer<typeof ToolAnswerRecord>;

/** The host's Claude Code process for the session, for viewers. */
export const ClaudeProcessState = z.enum(['starting', 'working', 'idle', 'waiting-approval', 'stopped']);
export type ClaudeProcessState = z.infer<typeof ClaudeProcessState>;

export const ClaudeProcessStatus = z.object({
  state: ClaudeProcessState,
  pid: z.number().int().positive().optional(),
  /** ms since the epoch, when it entered this state */
  since: z.number().int().nonnegative(),
  /** when an idle process exits unless a prompt comes */
  idleUntil: z.number().int().nonnegative().optional(),
});
export type ClaudeProcessStatus = z.infer<typeof ClaudeProcessStatus>;
