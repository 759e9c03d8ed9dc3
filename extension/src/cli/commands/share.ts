import os from 'node:os';
import path from 'node:path';
import { TOOL_APPROVAL_POLICIES, buildLink, decodeToken, readMeta, visibleText, type RunStatus, type ToolApprovalPolicy } from '../../../../protocol/src';
import { DEFAULT_APPROVAL_TIMEOUT_MS, PERMISSION_MODES, PROMPT_POLICIES, approverFor, createCliApprover, createCliToolAsker, type PermissionMode, type PromptPolicy } from '../../core/prompts';
import { localProjectDir } from '../../core/handoff';
import { ShareHost } from '../../core/sync/shareHost';
import { openTandemHome } from '../../core/state/tandemHome';
import { HostLease, HostLeaseTaken } from '../../core/sync/hostLease';
import { LINK_ROLES, ShareStore } from '../../core/sync/shareStore';
import { ClaudeDirError, listSessions, newestSession, type SessionSummary } from '../../core/transcripts/catalog';
import { createCliLogger } from '../cliLogger';
import { ExitCode, UserError, type CliIo, type Command } from '../command';
import { parseDuration } from '../duration';
import { DEFAULT_RELAY_PORT, startLocalRelay } from '../embeddedRelay';
import { joinForCli, parseLinkForCli } from '../joinErrors';

// `tandem share`: publish a live session through a relay and print its three links. With no
// --relay it uses the local agent's relay on 127.0.0.1 (starting it if needed; it outlives this
// process). Runs until Ctrl-C, then marks the session ended. A restart continues the same share (keys and links are kept in ~/.tandem/shares).
// With --link HANDOFF_LINK this machine takes over hosting a share another machine started (after
// `tandem pull`): the links people already have keep working, and the previous host steps down.

export const shareCommand: Command = {
  name: 'share',
  summary: 'share a live session: prints observer, prompter and handoff links; runs queued prompts',
  usage: 'share [SESSION_ID | --latest | --link HANDOFF_LINK] [--relay URL] [--claude-dir DIR] [--prompts ask|auto|never] [--tool-approvals host|prompters] [--label NAME] [options]',
  help: [
    'SESSION_ID               the session to share (a unique prefix is enough); default: the latest',
    '--latest                 share the session written to most recently',
    '--link HANDOFF_LINK      host a share another machine started (pull the session first with `tandem pull`)',
    '--relay URL              the relay to share through (default: your local relay on 127.0.0.1, see `tandem agent`)',
    '--port N                 port of the local relay (default 8787; 0 = a relay in this process on any free port, rooms in memory)',
    '--access-key KEY         the relay\'s access key, if it requires one (or $TANDEM_ACCESS_KEY)',
    '--claude-dir DIR         the Claude Code folder (default: $CLAUDE_CONFIG_DIR, else ~/.claude)',
    '--prompts POLICY         remote prompts: ask (default; you answer y/n here), auto, never',
    '--tool-approvals WHO     who answers Claude Code\'s tool requests during remote prompts: host (default; you, here,',
    '                         with --prompts ask) or prompters (prompter links too, e.g. `tandem approve`)',
    '--remote-tools TOOLS     comma-separated tools prompters may allow, e.g. "Edit,Bash" (default: any they are asked about)',
    '--approval-timeout DUR   unanswered tool requests are denied after this long (default 10m)',
    '--label NAME             the host name viewers see (default: user@hostname)',
    '--expires DURATION       how long links stay valid, e.g. 12h, 7d (default 7d)',
    '--claude PATH            the claude executable for remote prompts (default: claude on PATH)',
    '--permission-mode MODE   permission mode for remote prompts (default, acceptEdits, plan, …)',
    '--allowed-tools RULES    comma-separated tool rules remote prompts may use, e.g. "Edit,Bash(npm test:*)"',
    '--new-session-project P  a project folder where prompters may start new sessions (repeatable)',
    '--verbose                more log lines',
  ],
  options: {
    latest: { type: 'boolean' },
    link: { type: 'string' },
    relay: { type: 'string' },
    port: { type: 'string' },
    'access-key': { type: 'string' },
    'claude-dir': { type: 'string' },
    prompts: { type: 'string' },
    'tool-approvals': { type: 'string' },
    'remote-tools': { type: 'string' },
    'approval-timeout': { type: 'string' },
    label: { type: 'string' },
    expires: { type: 'string' },
    claude: { type: 'string' },
    'permission-mode': { type: 'string' },
    'allowed-tools': { type: 'string' },
    'new-session-project': { type: 'string', multiple: true },
    verbose: { type: 'boolean' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length > 1) throw new UserError(`expected one session id, got ${positionals.length}`, ExitCode.usage);
    if (positionals.length && values.latest) throw new UserError('pass a session id or --latest, not both', ExitCode.usage);
    const policy = oneOf(values.prompts ?? 'ask', PROMPT_POLICIES, '--prompts') as PromptPolicy;
    const permissionMode = values['permission-mode'] === undefined ? undefined : (oneOf(values['permission-mode'], PERMISSION_MODES, '--permission-mode') as PermissionMode);
    const ttlSeconds = parseDuration(String(values.expires ?? '7d'), '--expires');
    const port = values.port === undefined ? DEFAULT_RELAY_PORT : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError('--port must be a port number', ExitCode.usage);
    const log = createCliLogger(io.stderr, { verbose: Boolean(values.verbose) });
    const home = await openTandemHome(io.env);
    const claudeDirOption = values['claude-dir'] as string | undefined;

    if (values.link) return takeOver(String(values.link), { positionals, values, io, policy, permissionMode, log, home, claudeDirOption });
    // the session first: `tandem share deadbeef` says "no such session" whatever the relay's state
    const session = await findSession(positionals[0], claudeDirOption, io);
    if (!session) return ExitCode.notFound;
    const relayOption = (values.relay as string | undefined) ?? io.env.TANDEM_RELAY_URL;
    const local = relayOption ? undefined : await startLocalRelay(home, port, io.stderr);
    const relayUrl = (relayOption ?? local!.url).replace(/\/+$/, '');
    try {
      const store = new ShareStore({ home, linkTtlSeconds: ttlSeconds });
      const { record, created, commit } = await store.prepare(session.sessionId, relayUrl);
      const link = (token: string) => buildLink(relayUrl, record.keys.shareId, token);
      const where = !local
        ? relayUrl
        : local.embedded
          ? `a relay in this process on ${relayUrl} (rooms in memory; it stops with this share)`
          : `your local relay on ${relayUrl} (agent pid ${local.agentPid ?? '?'}, rooms kept in ${local.dataDir}; it keeps running for other shares, \`tandem agent stop\` stops it)`;
      return await host(
        { session, relayUrl, shareId: record.keys.shareId, hostToken: record.tokens.host, links: linkExpiry(record.tokens), onStarted: commit },
        { values, io, policy, permissionMode, log, home, servesRelay: Boolean(local?.embedded) },
        [
          `${created ? 'Sharing' : 'Sharing again (same links)'}: ${session.title ?? '(untitled)'}`,
          `  session ${session.sessionId} in ${session.cwd ?? session.projectFolder}`,
          `  through ${where}`,
          '',
          `Open in a browser (read only):  ${link(record.tokens.observer)}`,
          `Prompter (can queue prompts):   ${link(record.tokens.prompter)}`,
          `Handoff (full host control; continue elsewhere with \`tandem pull\`):`,
          `  ${link(record.tokens.handoff)}`,
        ],
      );
    } finally {
      await local?.embedded?.close();
    }
  },
};

type HostContext = {
  values: Record<string, unknown>;
  io: CliIo;
  policy: PromptPolicy;
  permissionMode: PermissionMode | undefined;
  log: ReturnType<typeof createCliLogger>;
  home: string;
  /** this process runs the relay the share lives on: it must outlive a takeover */
  servesRelay?: boolean;
};

type HostTarget = {
  session: FoundSession;
  relayUrl: string;
  shareId: string;
  hostToken: string;
  /** expiry of the links handed out, for `tandem shares` */
  links: Record<string, number>;
  /** the share works: keep its record */
  onStarted?: () => Promise<void>;
};

function linkExpiry(tokens: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of LINK_ROLES) {
    const exp = decodeToken(tokens[kind])?.claims.exp;
    if (exp !== undefined) out[kind] = exp;
  }
  return out;
}

/** Hosts the share until Ctrl-C (then marks the session ended) or until another host takes over. */
async function host(target: HostTarget, ctx: HostContext, banner: string[]): Promise<number> {
  const { session } = target;
  const lease = await HostLease.acquire(ctx.home, {
    surface: 'cli',
    sessionId: session.sessionId,
    shareId: target.shareId,
    relayUrl: target.relayUrl,
    title: session.title,
    links: target.links,
  }).catch((e: Error) => {
    throw new UserError(e instanceof HostLeaseTaken ? `${e.message}; stop it there first (\`tandem shares\` lists what is shared)` : e.message);
  });
  try {
    return await hostWithLease(target, ctx, banner, lease);
  } finally {
    await lease.release();
  }
}

async function hostWithLease(target: HostTarget, ctx: HostContext, banner: string[], lease: HostLease): Promise<number> {
  const { values, io, policy, log, home } = ctx;
  const { session } = target;
  const tools = oneOf(values['tool-approvals'] ?? 'host', TOOL_APPROVAL_POLICIES, '--tool-approvals') as ToolApprovalPolicy;
  const label = (values.label as string | undefined) ?? `${os.userInfo().username}@${os.hostname()}`;
  const newSessionProjects = ((values['new-session-project'] as string[] | undefined) ?? []).map((p) => path.resolve(p));
  let superseded: (by: { hostLabel?: string }) => void = () => undefined;
  const takenOver = new Promise<{ hostLabel?: string }>((resolve) => (superseded = resolve));
  const shareHost = await ShareHost.start({
    relayUrl: target.relayUrl,
    shareId: target.shareId,
    hostToken: target.hostToken,
    accessKey: (values['access-key'] as string | undefined) ?? io.env.TANDEM_ACCESS_KEY,
    claudeDir: session.claudeDir,
    projectFolder: session.projectFolder,
    sessionId: session.sessionId,
    cwd: (await localProjectDir(home, session.claudeDir, session)) ?? session.cwd ?? process.cwd(),
    hostLabel: label,
    promptPolicy: policy,
    approver: approverFor(policy, createCliApprover({ input: io.stdin, output: io.stderr })),
    toolApprovals: {
      policy: tools,
      timeoutMs: values['approval-timeout'] === undefined ? DEFAULT_APPROVAL_TIMEOUT_MS : parseDuration(String(values['approval-timeout']), '--approval-timeout') * 1000,
      remoteAllowedTools: splitList(values['remote-tools'] as string | undefined),
      hostAsker: policy === 'ask' ? createCliToolAsker({ input: io.stdin, output: io.stderr }) : undefined,
    },
    claude: {
      command: (values.claude as string | undefined) ?? 'claude',
      permissionMode: ctx.permissionMode,
      allowedTools: splitList(values['allowed-tools'] as string | undefined),
    },
    newSessionProjects,
    journalPath: path.join(home, 'shares', `${session.sessionId}.runs.jsonl`),
    log,
    onRunStatus: (s) => io.stderr.write(visibleText(describeRun(s))),
    onSuperseded: superseded,
  }).catch((e: Error) => {
    throw new UserError(e.message, ExitCode.unreachable);
  });
  await target.onStarted?.();
  const prompts = { ask: 'you approve each one here', auto: 'run without asking', never: 'refused' }[policy];
  // the banner names the session's title and folders, read from files a prompter's runs may have written
  io.stdout.write(
    visibleText([
      ...banner,
      '',
      `Remote prompts: ${policy} (${prompts}). Anyone with a link can read this session: share links only with people you trust.`,
      `Tool requests during remote prompts: answered by ${tools === 'host' ? (policy === 'ask' ? 'you, here' : 'nobody (denied; use --prompts ask or --tool-approvals prompters)') : `prompter links${policy === 'ask' ? ' and you, here' : ''}`}.`,
      'Press Ctrl-C to stop sharing.',
      '',
    ].join('\n')),
  );
  const offViewers = shareHost.onViewersChange(() => {
    const people = shareHost.viewers();
    io.stderr.write(`${people.length} watching${people.length ? `: ${people.map((p) => visibleText(`${p.name} (${p.client}, ${p.role})`, { singleLine: true })).join(', ')}` : ''}\n`);
    lease.setViewers(people).catch((e: Error) => log.warn(`could not note the viewers for \`tandem shares\`: ${e.message}`));
  });
  let revoked: (reason: string) => void = () => undefined;
  const unshared = new Promise<string>((resolve) => (revoked = resolve));
  const offStatus = shareHost.connection.onStatus((s) => {
    if (s.state === 'refused') revoked(s.reason);
  });
  const outcome = await Promise.race([io.interrupted.then(() => undefined), takenOver, unshared]);
  offViewers();
  offStatus();
  if (typeof outcome === 'string') {
    io.stdout.write(`The relay refused this host (${visibleText(outcome, { singleLine: true })}); stopped hosting. \`tandem unshare\` or Stop Sharing ended this share: share again for new links.\n`);
    await shareHost.stop({ ended: false });
    return ExitCode.linkRefused;
  }
  if (outcome) {
    io.stdout.write(`${visibleText(outcome.hostLabel ?? 'Another machine', { singleLine: true })} took over hosting this share; stopped hosting here. To take it back: \`tandem pull <handoff link>\`, then share again.\n`);
    if (ctx.servesRelay) {
      io.stdout.write('The share lives on the relay this process runs: it stays up for the new host until Ctrl-C.\n');
      await io.interrupted;
    }
    return ExitCode.ok;
  }
  io.stderr.write('Stopping: marking the session ended for viewers…\n');
  await shareHost.stop({ ended: true });
  return ExitCode.ok;
}

/** `share --link HANDOFF_LINK`: host, from this machine, the share the link belongs to. */
async function takeOver(link: string, ctx: HostContext & { positionals: string[]; claudeDirOption: string | undefined }): Promise<number> {
  if (ctx.positionals.length || ctx.values.latest || ctx.values.relay) throw new UserError('--link takes the session and the relay from the link: pass no session id, --latest or --relay with it', ExitCode.usage);
  const parsed = parseLinkForCli(link);
  if (parsed.claims.role !== 'host') throw new UserError(`that is ${parsed.claims.role === 'observer' ? 'an observer' : 'a prompter'} link; hosting needs the handoff link`, ExitCode.linkRefused);
  const peek = await joinForCli(parsed);
  const meta = readMeta(peek.docs.transcript);
  peek.dispose();
  if (!meta.sessionId) throw new UserError('the share holds no session yet; nothing to host', ExitCode.notFound);
  const session = await findSession(meta.sessionId, ctx.claudeDirOption, ctx.io);
  if (!session || session.sessionId !== meta.sessionId) throw new UserError(`this machine has no copy of session ${meta.sessionId}; bring it here first with \`tandem pull <link>\``, ExitCode.notFound);
  return host({ session, relayUrl: parsed.relayUrl, shareId: parsed.shareId, hostToken: parsed.token, links: { handoff: parsed.claims.exp } }, ctx, [
    `Hosting from this machine now: ${session.title ?? '(untitled)'}`,
    `  session ${session.sessionId} in ${session.cwd ?? session.projectFolder}`,
    `  through ${parsed.relayUrl}${meta.hostLabel ? ` (taking over from ${meta.hostLabel})` : ''}`,
    '',
    'The links already handed out keep working. Handoff link (to move the session on again):',
    `  ${link}`,
  ]);
}

type FoundSession = SessionSummary & { claudeDir: string };

async function findSession(idOrPrefix: string | undefined, claudeDir: string | undefined, io: CliIo): Promise<FoundSession | undefined> {
  let catalog;
  try {
    catalog = await listSessions({ claudeDir, env: io.env });
  } catch (e) {
    if (!(e instanceof ClaudeDirError)) throw e;
    io.stderr.write(`${e.message}\n${HOW_TO_START}`);
    return undefined;
  }
  const candidates = catalog.sessions.filter((s) => !s.orphan);
  if (!idOrPrefix) {
    const latest = newestSession(catalog.sessions);
    if (!latest) io.stderr.write(`No Claude Code sessions found in ${catalog.claude.dir}/projects.\n${HOW_TO_START}`);
    return latest && { ...latest, claudeDir: catalog.claude.dir };
  }
  const matches = candidates.filter((s) => s.sessionId.startsWith(idOrPrefix));
  if (matches.length === 1) return { ...matches[0], claudeDir: catalog.claude.dir };
  if (matches.length === 0) throw new UserError(`no session ${idOrPrefix} in ${catalog.claude.dir}; \`tandem sessions\` lists them`, ExitCode.notFound);
  throw new UserError(`${idOrPrefix} matches ${matches.length} sessions (${matches.map((s) => s.sessionId).join(', ')}); give more of the id`, ExitCode.usage);
}

const HOW_TO_START = 'Start one by running `claude` in a project folder (or pass --claude-dir if your sessions live elsewhere), then share again.\n';

function describeRun(s: RunStatus): string {
  const who = s.author ? ` from ${s.author}` : '';
  const extra = s.error ? `: ${s.error}` : s.waiting ? ` (${s.waiting})` : s.costUsd !== undefined ? ` ($${s.costUsd.toFixed(4)})` : '';
  return `prompt ${s.promptId}${who}: ${s.state}${extra}\n`;
}

function oneOf(value: unknown, allowed: readonly string[], flag: string): string {
  if (typeof value !== 'string' || !allowed.includes(value)) throw new UserError(`${flag} must be one of ${allowed.join(', ')}`, ExitCode.usage);
  return value;
}

function splitList(value: string | undefined): string[] | undefined {
  const items = value?.split(',').map((s) => s.trim()).filter(Boolean);
  return items?.length ? items : undefined;
}
