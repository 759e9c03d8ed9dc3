import type { ViewerState } from '../data/sessionStore';

// What the viewer says when it is not simply showing a live session: one notice per state (a damaged,
// expired or revoked link, a refusal, a relay it cannot reach, a lost connection, a host that ended the
// session), drawn as the whole page when there is no transcript to show and as a banner above the
// transcript when there is one.

export type NoticeKind = 'damaged' | 'expired' | 'revoked' | 'refused' | 'unreachable' | 'offline' | 'ended';
export type Notice = { kind: NoticeKind; title: string; detail: string; tone: 'error' | 'warn' | 'info' };

const titles: Record<NoticeKind, string> = {
  damaged: 'This link is damaged',
  expired: 'This link has expired',
  revoked: 'This link was revoked',
  refused: 'The relay refused this link',
  unreachable: "Can't reach the relay",
  offline: 'Lost the connection to the relay',
  ended: 'The host ended this session',
};

export function notice(kind: NoticeKind, detail: string): Notice {
  const tone = kind === 'ended' ? 'info' : kind === 'offline' || kind === 'unreachable' ? 'warn' : 'error';
  return { kind, title: titles[kind], detail, tone };
}

/** The notice for a state, or null for a live session. A link that no longer works outranks the host having
 *  ended, which outranks the relay being gone (after the end, that is expected). */
export function noticeFor(state: ViewerState): Notice | null {
  const c = state.connection;
  const hasRows = state.feed.items.length > 0;
  switch (c.kind) {
    case 'damaged':
    case 'expired':
    case 'revoked':
    case 'refused':
      return notice(c.kind, c.detail);
  }
  if (state.meta.state === 'ended') return notice('ended', hasRows ? 'The transcript is as it was when it ended.' : 'It ended before anything was shared.');
  if (c.kind === 'unreachable') return notice('unreachable', c.detail);
  if (c.kind === 'offline') return notice('offline', 'Retrying; what you see may be out of date.');
  return null;
}

/** The whole page: nothing else to show. */
export function FullState({ notice: n }: { notice: Notice }) {
  return (
    <div class={`problem state-panel tone-${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'} data-state={n.kind}>
      <h2>{n.title}</h2>
      <p>{n.detail}</p>
    </div>
  );
}

/** Above a transcript that stays readable. */
export function NoticeBanner({ notice: n }: { notice: Notice }) {
  return (
    <div class={`banner ${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'} data-state={n.kind}>
      <strong>{n.title}.</strong> {n.detail}
    </div>
  );
}
