import crypto from 'node:crypto';

export const ACCESS_KEY_HEADER = 'x-tandem-access-key';
export const ACCESS_KEY_PARAM = 'key';

/** Compares in constant time (hashing first makes the lengths equal). */
export function accessKeyMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(presented).digest();
  return crypto.timingSafeEqual(a, b);
}
