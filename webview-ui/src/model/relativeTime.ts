// "3 min ago" for a row's timestamp; the exact time goes in its tooltip.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function relativeTime(at: number, now: number): string {
  const ago = now - at;
  if (ago < 45_000) return 'just now';
  if (ago < HOUR) return `${Math.round(ago / MINUTE)} min ago`;
  if (ago < DAY) return `${Math.round(ago / HOUR)} h ago`;
  if (ago < 7 * DAY) return `${Math.round(ago / DAY)} d ago`;
  return (dayFormat ??= new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' })).format(at);
}

export function exactTime(at: number): string {
  return (exactFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' })).format(at);
}

// A formatter costs far more to make than to use, and every drawn row formats its time on each render.
let dayFormat: Intl.DateTimeFormat | undefined;
let exactFormat: Intl.DateTimeFormat | undefined;
