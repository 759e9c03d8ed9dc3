// Redis stream ids are `<ms>-<seq>`; they compare as that pair of integers, not as strings.

export function compareStreamIds(a: string, b: string): number {
  const [am, as] = split(a);
  const [bm, bs] = split(b);
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}

/** The smallest id after `id`: XTRIM MINID keeps ids >= its argument. */
export function nextStreamId(id: string): string {
  const [ms, seq] = split(id);
  return `${ms}-${seq + 1n}`;
}

function split(id: string): [bigint, bigint] {
  const dash = id.indexOf('-');
  return dash < 0 ? [BigInt(id), 0n] : [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}
