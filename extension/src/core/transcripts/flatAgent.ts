import fs from 'node:fs/promises';
import { parseObject } from './jsonLine';
import { NEWLINE } from './lineDecoder';

// A flat `<folder>/agent-<id>.jsonl` (Claude Code ~2.0.4x–2.1.1) belongs to the session named by the
// `sessionId` of its lines. It is never a session of its own.

const HEAD = 64 * 1024;
const SESSION_ID_FIELD = /"sessionId":"([0-9a-fA-F-]{36})"/;

/** The parent session of a flat agent file, or undefined while its first line is not written yet. */
export async function flatAgentParent(file: string): Promise<string | undefined> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD);
    const { bytesRead } = await fh.read(buf, 0, HEAD, 0);
    const nl = buf.subarray(0, bytesRead).indexOf(NEWLINE);
    const entry = nl >= 0 ? parseObject(buf.toString('utf8', 0, nl)) : undefined;
    if (entry) return typeof entry.sessionId === 'string' ? entry.sessionId : undefined;
    // A first line longer than the head (a long prompt): the envelope's sessionId comes before the message.
    return bytesRead === HEAD ? SESSION_ID_FIELD.exec(buf.toString('utf8', 0, bytesRead))?.[1] : undefined;
  } finally {
    await fh.close();
  }
}
