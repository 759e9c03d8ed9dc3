import fs from 'node:fs/promises';
import path from 'node:path';

// Claude Code attaches the file named by an @-mention (`@path`, `@"path"`, `@~/path`) to the prompt
// without asking for permission, even in -p mode and outside the working directory (checked with
// 2.1.197). Its content then lands in the transcript, which Tandem shares with the prompter: a
// remote prompt saying `@~/.ssh/id_rsa` would hand the host's key to whoever queued it. So a
// prompt whose mention names an existing file or folder outside the project is refused.
//
// The reading is deliberately wider than Claude Code's: any `@` not inside a word or an e-mail
// address counts, and each mention is tried as written, without trailing punctuation, and
// without a `#L10-20` line range.

const MAX_MENTIONS = 500;
const MENTION = /(?<![\w.%+-])@(?:"([^"\n]+)"|(\S+))/g;

function candidates(target: string): string[] {
  const out = new Set([target]);
  out.add(target.replace(/[)\]}>,.;:!?'"`]+$/, ''));
  for (const c of [...out]) out.add(c.replace(/#.*$/, ''));
  return [...out].filter(Boolean);
}

async function realOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await fs.realpath(p);
  } catch {
    return undefined; // nothing there, so nothing to attach
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The first mention in `text` naming something outside `cwd`, or undefined when there is none. */
export async function mentionOutsideProject(text: string, cwd: string, home: string | undefined): Promise<string | undefined> {
  const root = (await realOrUndefined(cwd)) ?? path.resolve(cwd);
  let seen = 0;
  for (const m of text.matchAll(MENTION)) {
    if (++seen > MAX_MENTIONS) return `more than ${MAX_MENTIONS} @-mentions`;
    for (const target of candidates(m[1] ?? m[2])) {
      const expanded = target.startsWith('~') && home ? path.join(home, target.slice(1)) : target;
      const real = await realOrUndefined(path.resolve(root, expanded));
      if (real && !isInside(real, root)) return `@${m[1] === undefined ? m[2] : `"${m[1]}"`}`;
    }
  }
  return undefined;
}
