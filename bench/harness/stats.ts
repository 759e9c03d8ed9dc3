// Small statistics for bench samples.

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Runs `fn` once to warm up, then `times` times; returns the durations in ms. */
export async function timed(times: number, fn: () => unknown): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    globalThis.gc?.();
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}
