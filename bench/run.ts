import fs from 'node:fs';
import path from 'node:path';
import { formatRows } from './harness/table';
import type { BenchModule, BenchRow } from './harness/types';

// `npm run bench [name...]`: runs every bench/<name>.ts (or the named ones) and prints one table.
// Each module measures its own peer in the same run, so ratios hold on any machine.

async function main(): Promise<number> {
  const available = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
    .map((f) => f.slice(0, -3))
    .sort();
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length) {
    process.stderr.write(`unknown bench ${unknown.join(', ')}; available: ${available.join(', ')}\n`);
    return 2;
  }
  const rows: (BenchRow & { bench: string })[] = [];
  for (const name of wanted.length ? wanted : available) {
    const mod = (await import(path.join(__dirname, `${name}.ts`))) as BenchModule;
    process.stderr.write(`bench ${name}: ${mod.description}\n`);
    for (const row of await mod.run()) rows.push({ bench: name, ...row });
  }
  process.stdout.write(`\n${formatRows(rows)}`);
  const missed = rows.filter((r) => r.ok === false);
  if (missed.length) process.stdout.write(`\n${missed.length} target(s) missed: ${missed.map((r) => `${r.metric} (${r.target})`).join('; ')}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
