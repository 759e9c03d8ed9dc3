import { visibleText } from '../../../protocol/src';

// Small formatters shared by the model and the header.

/** Text other people wrote (queue prompts, run errors): bidi overrides, controls and invisible
 *  characters are shown as escapes, so "evil" with U+202E never reads as "live". */
export function shownText(text: string): string {
  return visibleText(text);
}

/** Transcript text (messages, tool output, plans): escaped like shownText, so a prompt with U+202E in
 *  it cannot read as another; Windows line ends read as plain newlines. */
export function transcriptText(text: string): string {
  return visibleText(text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text);
}

/** A name or label from the network (an author, a watcher, the host), on one line and escaped like shownText. */
export function shownName(name: string): string {
  return visibleText(name, { singleLine: true });
}

export function durationText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function tokensText(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '';
  return n >= 1000 ? `${(n / 1000).toFixed(n >= 10_000 ? 0 : 1)}k tokens` : `${n} tokens`;
}

export function eventTone(level: unknown): 'info' | 'warning' | 'error' {
  return level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'info';
}

/** `/home/me/dev/app` → `app`, Windows paths too. */
export function baseName(path: string): string {
  const parts = path.split(/[/\\]+/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}
