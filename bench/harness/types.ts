// The contract between `npm run bench` and a bench module: a module `bench/<name>.ts` exports
// `description` and `run()`, which returns rows. A row is one measurement; when it is compared with a
// peer measured in the same run, `ratio` is ours / peer (lower is better unless `higherIsBetter`).

export type BenchRow = {
  metric: string;
  value: number;
  unit: string;
  /** what the value is compared with, e.g. "plain read + split: 141 ms" */
  peer?: string;
  ratio?: number;
  /** the design target, e.g. "≤ 3×" or "≤ 10 ms" */
  target?: string;
  /** whether the target is met; undefined when the row has no target */
  ok?: boolean;
};

export type BenchModule = {
  description: string;
  run(): Promise<BenchRow[]>;
};
