/** How the local copy of a file stands against the shared one. Transcripts are append-mostly, so a
 *  byte prefix means one side simply has not seen the other's latest lines. */
export type CopyRelation = 'absent' | 'identical' | 'behind' | 'ahead' | 'diverged';

export function compareCopies(local: Uint8Array | null, shared: Uint8Array): CopyRelation {
  if (!local) return 'absent';
  if (isPrefix(local, shared)) return local.length === shared.length ? 'identical' : 'behind';
  return isPrefix(shared, local) ? 'ahead' : 'diverged';
}

function isPrefix(a: Uint8Array, b: Uint8Array): boolean {
  return a.length <= b.length && Buffer.from(b.buffer, b.byteOffset, a.length).equals(a);
}
