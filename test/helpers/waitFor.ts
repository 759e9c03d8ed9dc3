// Tests wait for conditions with a deadline, never for a fixed time (STYLE.md rule 9).

export type WaitOptions = {
  /** give up after this long; the error names `what` */
  timeoutMs?: number;
  /** how often to check the condition */
  intervalMs?: number;
  /** what is being waited for, for the timeout message */
  what?: string;
};

/** Resolves with the condition's first truthy value; rejects when the deadline passes. */
export async function waitFor<T>(cond: () => T | Promise<T>, opts: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 5000, intervalMs = 10, what = 'condition' } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await cond();
    if (value) return value as NonNullable<T>;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
