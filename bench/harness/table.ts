import type { BenchRow } from './types';

// Prints bench rows as one aligned table (numbers right-aligned).

export function formatRows(rows: readonly (BenchRow & { bench: string })[]): string {
  const header = ['bench', 'metric', 'value', 'unit', 'peer', 'ratio', 'target', 'ok'];
  const cells = rows.map((r) => [
    r.bench,
    r.metric,
    formatNumber(r.value),
    r.unit,
    r.peer ?? '',
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
    r.target ?? '',
    r.ok === undefined ? '' : r.ok ? 'yes' : 'NO',
  ]);
  const right = new Set([2, 5]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((s, i) => (right.has(i) ? s.padStart(widths[i]) : s.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}
