/** A handoff problem written for a person: what happened and what to do. Nothing was half-written
 *  when one is thrown (every file write is atomic, see atomicWrite.ts). */
export class HandoffError extends Error {
  override readonly name = 'HandoffError';
}

/** A value from the shared document, quoted and cut short, safe to put in a message. */
export function quoteForMessage(value: unknown, max = 80): string {
  const s = typeof value === 'string' ? value : String(value);
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}
