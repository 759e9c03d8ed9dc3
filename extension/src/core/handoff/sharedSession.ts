import type * as Y from 'yjs';
import { joinLines, readLines, readMeta, readSideFiles, type SessionMeta } from '../../../../protocol/src';
import { HandoffError, quoteForMessage } from './handoffError';
import { rewriteLineSessionId } from './rewriteSessionId';
import { isSessionId } from './sessionId';

/** One file of the session, by its path relative to the project folder (`/`-separated). */
export type SessionFile = { rel: string; bytes: Uint8Array; kind: 'main' | 'lines' | 'blob' };

/** What a transcript room holds, as the files Claude Code keeps for it. */
export type SharedSession = {
  sessionId: string;
  meta: SessionMeta;
  /** side files first, the main transcript last (absent while the share has no lines), so the main
   *  file appears only once everything it refers to is in place */
  files: SessionFile[];
  /** side-file keys that were not written, with the reason */
  rejected: { path: string; reason: string }[];
};

const FLAT_AGENT = /^agent-[^/]+\.jsonl$/;
const utf8 = new TextEncoder();

/** Reads a transcript room. Refuses a document whose session id is not a UUID; skips (and lists)
 *  side files whose key is unsafe, belongs to another session, or appears twice. */
export function readSharedSession(doc: Y.Doc): SharedSession {
  const meta = readMeta(doc);
  const sessionId = meta.sessionId;
  if (!isSessionId(sessionId)) {
    throw new HandoffError(
      `The shared session's id ${quoteForMessage(sessionId ?? '')} is not a UUID, so it cannot name a Claude Code session file; nothing was written. Ask the host to share the session again.`,
    );
  }
  const { files: sides, rejected: unsafe } = readSideFiles(doc);
  const rejected = unsafe.map((path) => ({ path, reason: 'not a safe side-file path' }));
  const counts = new Map<string, number>();
  for (const f of sides) counts.set(f.path, (counts.get(f.path) ?? 0) + 1);
  const files: SessionFile[] = [];
  for (const f of sides) {
    if (counts.get(f.path)! > 1) rejected.push({ path: f.path, reason: 'stored both as lines and as bytes' });
    else if (!f.path.startsWith(`${sessionId}/`) && !FLAT_AGENT.test(f.path)) rejected.push({ path: f.path, reason: 'belongs to another session' });
    else files.push(f.kind === 'lines' ? { rel: f.path, kind: 'lines', bytes: utf8.encode(joinLines(f.lines)) } : { rel: f.path, kind: 'blob', bytes: f.bytes });
  }
  const lines = readLines(doc);
  if (lines.length) files.push({ rel: `${sessionId}.jsonl`, kind: 'main', bytes: utf8.encode(joinLines(lines)) });
  return { sessionId, meta, files, rejected };
}

/** The same session under a new id (see README, "Taking a diverged session as new"): the main file
 *  and the `<id>/` folder are renamed, the top-level `sessionId` of every line that carried the old
 *  id is rewritten in place, all other bytes stay. Flat `agent-*.jsonl` files are named per agent,
 *  not per session, so they move into `<newId>/subagents/`, where Claude Code ≥ 2.1.2 keeps them;
 *  otherwise they would collide with the local copy's own flat files. */
export function asNewSession(session: SharedSession, newId: string): SharedSession {
  const from = session.sessionId;
  const decoder = new TextDecoder();
  const files = session.files.map((f): SessionFile => {
    const rel = f.kind === 'main' ? `${newId}.jsonl` : FLAT_AGENT.test(f.rel) ? `${newId}/subagents/${f.rel}` : `${newId}${f.rel.slice(from.length)}`;
    if (f.kind === 'blob') return { ...f, rel };
    const lines = decoder.decode(f.bytes).split('\n');
    return { ...f, rel, bytes: utf8.encode(lines.map((l) => rewriteLineSessionId(l, from, newId)).join('\n')) };
  });
  return { ...session, sessionId: newId, meta: { ...session.meta, sessionId: newId }, files };
}
