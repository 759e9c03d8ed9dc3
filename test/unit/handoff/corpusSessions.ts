import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { Origin, appendLines, appendSideLines, setMeta, setSideBlob } from '../../../protocol/src';

// The real corpus as shared sessions: every session of every source folder, and a transcript-room
// document built from its files the way the publisher fills one (main lines, side transcripts as
// lines, every other side file as bytes), with protocol functions only.

export const CORPUS = path.resolve(import.meta.dirname, '../../../../shared/corpus/real');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type CorpusSession = {
  sessionId: string;
  /** the source project folder */
  folder: string;
  /** every file of the session, relative to `folder`, `/`-separated */
  files: string[];
};

export function corpusSessions(): CorpusSession[] {
  const out: CorpusSession[] = [];
  for (const source of fs.readdirSync(CORPUS).filter((s) => fs.existsSync(path.join(CORPUS, s, 'projects')))) {
    const projects = path.join(CORPUS, source, 'projects');
    for (const name of fs.readdirSync(projects)) {
      const folder = path.join(projects, name);
      const byId = new Map<string, string[]>();
      const add = (id: string, rel: string) => byId.set(id, [...(byId.get(id) ?? []), rel]);
      for (const e of fs.readdirSync(folder, { withFileTypes: true })) {
        const id = e.name.replace(/\.jsonl$/, '');
        if (e.isFile() && UUID.test(id)) add(id, e.name);
        else if (e.isDirectory() && UUID.test(e.name)) for (const rel of filesUnder(folder, e.name)) add(e.name, rel);
        else if (e.isFile() && /^agent-.*\.jsonl$/.test(e.name)) add(firstSessionId(path.join(folder, e.name)), e.name);
      }
      for (const [sessionId, files] of byId) out.push({ sessionId, folder, files: files.sort() });
    }
  }
  return out;
}

function filesUnder(folder: string, rel: string): string[] {
  return fs
    .readdirSync(path.join(folder, rel), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(folder, `${rel}/${e.name}`) : [`${rel}/${e.name}`]));
}

function firstSessionId(file: string): string {
  return (JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]) as { sessionId: string }).sessionId;
}

/** A file's lines as the publisher reads them: split on '\n', the final newline ends the last line. */
export function fileLines(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.endsWith('\n')) throw new Error(`${file} does not end with a newline`);
  return text.slice(0, -1).split('\n');
}

export function sessionDoc(s: CorpusSession): Y.Doc {
  const doc = new Y.Doc();
  const main = `${s.sessionId}.jsonl`;
  const cwd = s.files.includes(main) ? firstCwd(path.join(s.folder, main)) : undefined;
  setMeta(doc, { sessionId: s.sessionId, cwd, projectFolder: path.basename(s.folder) }, Origin.fixture);
  for (const rel of s.files) {
    const file = path.join(s.folder, rel);
    if (rel === main) appendLines(doc, fileLines(file), Origin.fixture);
    else if (rel.endsWith('.jsonl')) appendSideLines(doc, rel, fileLines(file), Origin.fixture);
    else setSideBlob(doc, rel, new Uint8Array(fs.readFileSync(file)), Origin.fixture); // Yjs stores plain Uint8Arrays, not Buffers
  }
  return doc;
}

function firstCwd(file: string): string | undefined {
  for (const line of fileLines(file)) {
    const cwd = (JSON.parse(line) as { cwd?: unknown }).cwd;
    if (typeof cwd === 'string') return cwd;
  }
  return undefined;
}

/** Every file below `dir`, relative and `/`-separated; empty folders end in `/`; links are listed, not followed. */
export function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      if (!e.isDirectory()) return [e.name];
      const inner = listTree(path.join(dir, e.name));
      return inner.length ? inner.map((r) => `${e.name}/${r}`) : [`${e.name}/`];
    })
    .sort();
}
