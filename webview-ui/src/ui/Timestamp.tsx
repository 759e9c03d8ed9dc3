import { useEffect, useState } from 'preact/hooks';
import { exactTime, relativeTime } from '../model/relativeTime';
import './timestamp.css';

// When a row's first line was written (its `timestamp`), relative, exact on hover; kept fresh.

const TICK_MS = 30_000;

export function Timestamp({ iso }: { iso: string }) {
  const at = Date.parse(iso);
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(id);
  }, []);
  if (Number.isNaN(at)) return null;
  return (
    <time class="stamp" dateTime={new Date(at).toISOString()} title={exactTime(at)}>
      {relativeTime(at, now)}
    </time>
  );
}
