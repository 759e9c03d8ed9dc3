import type { ClaudeProcessState, ClaudeProcessStatus } from '../../../protocol/src';
import type { ConnectionStatus } from '../data/connection';
import type { ViewerState } from '../data/sessionStore';
import type { Watcher } from '../model/watchers';
import { DisplayNameButton } from './DisplayNameButton';
import { baseName, shownName } from '../model/format';

// Title, where the session lives (project, branch, host), its state, our connection, who is watching.

export function sessionTitle(state: ViewerState): string {
  const t = state.feed.model.titles;
  return state.meta.title || t.custom || t.ai || t.summary || t.firstPrompt || 'Claude Code session';
}

const connectionText: Record<ConnectionStatus['kind'], string> = {
  connecting: 'Connecting…',
  synced: 'Connected',
  offline: 'Offline · retrying',
  unreachable: 'Relay unreachable',
  expired: 'Link expired',
  revoked: 'Link revoked',
  damaged: 'Link damaged',
  refused: 'Refused',
};

const processText: Record<Exclude<ClaudeProcessState, 'stopped'>, string> = {
  starting: 'Claude Code starting',
  working: 'Claude Code working',
  idle: 'Claude Code ready',
  'waiting-approval': 'Claude Code waiting for a tool answer',
};

/** The host's Claude Code process that replays queued prompts, and how long an idle one stays. */
function ClaudeProcessFact({ status }: { status: ClaudeProcessStatus }) {
  const state = status.state as Exclude<ClaudeProcessState, 'stopped'>;
  const title =
    state === 'idle' && status.idleUntil
      ? `Follow-up prompts start at once until ${new Date(status.idleUntil).toLocaleTimeString()}; after that Claude Code starts again first`
      : `Since ${new Date(status.since).toLocaleTimeString()}`;
  return (
    <span class={`fact claude-process process-${state}`} title={title}>
      <span class="fact-icon" aria-hidden="true">
        ◆
      </span>
      {processText[state]}
    </span>
  );
}

export function Header({ state, onVerbose, onDisplayName }: { state: ViewerState; onVerbose: (v: boolean) => void; onDisplayName: (name: string) => void }) {
  const { meta, connection } = state;
  const cwd = meta.cwd || state.feed.model.cwd;
  // a detached checkout records "HEAD", which says nothing to a reader
  const branch = [meta.gitBranch, state.feed.model.gitBranch].find((b) => b && b !== 'HEAD');
  // what the document says holds while connected (or just lost); a link that stopped working shows no
  // stale session state or watchers, and a session that ended does not also say the relay went away
  const connected = connection.kind === 'synced' || connection.kind === 'offline';
  const sessionState = meta.state === 'ended' || (connected && meta.state) ? meta.state : null;
  const ended = meta.state === 'ended' && (connection.kind === 'offline' || connection.kind === 'unreachable');
  return (
    <header class="header">
      <div class="header-main">
        <h1 class="title" title={shownName(sessionTitle(state))}>
          {shownName(sessionTitle(state))}
        </h1>
        <div class="facts">
          {cwd && (
            <span class="fact" title={cwd}>
              <span class="fact-icon" aria-hidden="true">
                ▣
              </span>
              {baseName(cwd)}
            </span>
          )}
          {branch && (
            <span class="fact" title={`git branch ${branch}`}>
              <span class="fact-icon" aria-hidden="true">
                ⎇
              </span>
              {branch}
            </span>
          )}
          {meta.hostLabel && <span class="fact">on {shownName(meta.hostLabel)}</span>}
          {connected && state.claudeProcess && state.claudeProcess.state !== 'stopped' && <ClaudeProcessFact status={state.claudeProcess} />}
        </div>
      </div>
      <div class="header-side">
        {sessionState && (
          <span class={`pill state-${sessionState}`} title={meta.error ?? `The session is ${sessionState}`}>
            <span class="pill-dot" aria-hidden="true" />
            {sessionState}
          </span>
        )}
        {!ended && (
          <span class={`pill conn-${connection.kind}`} role="status" aria-live="polite">
            {connectionText[connection.kind]}
          </span>
        )}
        {connection.kind === 'synced' && <Watchers watchers={state.watchers} />}
        <DisplayNameButton name={state.displayName} onSave={onDisplayName} />
        <button type="button" class="button ghost small" aria-pressed={state.verbose} onClick={() => onVerbose(!state.verbose)} title="Show hooks, snapshots and other metadata lines">
          {state.verbose ? 'Hide details' : 'Details'}
        </button>
      </div>
    </header>
  );
}

function Watchers({ watchers: present }: { watchers: Watcher[] }) {
  if (present.length === 0) return null;
  const watchers = present.map((w) => ({ ...w, label: shownName(w.label) }));
  // name and role are bound to the link by the relay; a display name is the person's own claim
  const names = watchers.map((w) => `${w.label}${w.self ? ' (you)' : ''} · ${w.role} link · ${w.clients.join(' + ')}`).join('\n');
  const shown = watchers.slice(0, 4);
  return (
    <span class="watchers" title={names} aria-label={`${watchers.length} watching: ${watchers.map((w) => w.label).join(', ')}`}>
      {shown.map((w) => (
        <span key={w.key} class={`avatar ${w.self ? 'self' : ''}`} data-role={w.role} aria-hidden="true" style={{ background: `hsl(${hue(w.label)} 55% 45%)` }}>
          {initials(w.label)}
        </span>
      ))}
      {watchers.length > shown.length && <span class="avatar more">+{watchers.length - shown.length}</span>}
    </span>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

function hue(name: string): number {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}
