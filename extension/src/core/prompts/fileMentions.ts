import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { visibleText } from '../../../../protocol/src';

// Claude Code attaches what an @-mention names (a file's content, a folder's listing, an MCP
// resource) to the prompt without asking, even in -p mode and outside the working directory. The
// transcript is shared, so a remote prompt saying `@~/.ssh/id_rsa` would hand the host's key to
// whoever queued it. A remote prompt is therefore refused when any mention, read any way Claude
// Code might read it, could name something outside the project.
//
// How Claude Code 2.1.197 reads mentions (its bundled JS):
//   quoted    /(^|[\s\u3002\u3001\uFF1F\uFF01])@"([^"]+)"/g   spans newlines
//   unquoted  /(^|[\s\u3002\u3001\uFF1F\uFF01])@([^\s]+)\b/g   backtracks to the last ASCII word
//             boundary: `@/etc/passwd*`, `@/etc/passwdé` and `@/etc/passwd<U+200B>` name /etc/passwd
//   MCP       /(^|[\s\u3002\u3001\uFF1F\uFF01])@([^\s]+:[^\s]+)\b/g   reads a connected server's resource
//   then `path#L1-5` / `path#…` → path; trim(); `~` and `~/…` → home; relative → from the cwd;
//   a folder is attached as its listing.
// Our reading is wider, so a future parser that differs a little is still covered: every `@` counts
// (and ＠ ﹫) whatever precedes it; each yields the CLI's capture, the whole run, the run cut at the
// first invisible character or at a Unicode word boundary or before trailing punctuation, each with
// and without its `#…`, trimmed or not, with `~`, `~user` and `$HOME` expanded. A candidate is
// refused when the path the OS would open (its deepest existing ancestor's real path, so a link out
// of the project is caught) is outside the project, whether or not the file exists yet. Any
// `@x:y` is refused as a possible MCP resource. When a path cannot be checked, the prompt is refused.

const MAX_MENTIONS = 500;
const SHOWN_MAX = 120;
const AT = /[@\uFF20\uFE6B]/g;
const JS_SPACE = /\s/;
const ASCII_WORD = /[A-Za-z0-9_]/;
const UNICODE_WORD = /[\p{L}\p{N}\p{M}\p{Pc}]/u;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0]/gu;
const TRAILING_PUNCT = /[\p{P}\p{S}\s]+$/u;
const HOME_VAR = /^(?:\$HOME|\$\{HOME\}|%USERPROFILE%|%HOME%)(?=$|[/\\])/;

type Mention = { shown: string; candidates: Set<string> };

/** Why a remote prompt must not run because of what its @-mentions could attach, or undefined when
 *  every mention stays inside the project `cwd`. `home` is the home folder `claude` runs with. */
export async function mentionRefusal(text: string, cwd: string, home: string | undefined): Promise<string | undefined> {
  const root = await fs.realpath(cwd).catch(() => path.resolve(cwd));
  const homes = [...new Set([home, os.homedir()].filter((h): h is string => Boolean(h)))];
  const mentions = findMentions(text);
  if (mentions.length > MAX_MENTIONS) return `The prompt has more than ${MAX_MENTIONS} @-mentions; the host does not check that many. Mention fewer files.`;
  for (const m of mentions) {
    if (m.mcp) {
      return `The prompt mentions ${m.shown}, which Claude Code may read as an MCP resource (@server:resource), and remote prompts may not read those. To point at a line, write @path#L10.`;
    }
    for (const candidate of m.candidates) {
      const verdict = await outside(candidate, root, homes);
      if (verdict) {
        return `The prompt mentions ${m.shown}, which Claude Code could read as ${visibleText(verdict, { singleLine: true })}, outside the project ${root}. Claude Code attaches a mentioned file or folder without asking and the transcript is shared, so remote prompts may only mention files inside the project.`;
      }
    }
  }
  return undefined;
}

/** Every @ in `text` and the paths it might stand for. Exported for tests. */
export function findMentions(text: string): (Mention & { mcp: boolean })[] {
  const out: (Mention & { mcp: boolean })[] = [];
  for (const at of text.matchAll(AT)) {
    const start = at.index + 1;
    let end = start;
    while (end < text.length && !JS_SPACE.test(text[end])) end++;
    const run = text.slice(start, end);
    const raws = new Set<string>([run, run.slice(0, lastBoundary(run, ASCII_WORD)), run.slice(0, lastBoundary(run, UNICODE_WORD)), run.split(INVISIBLE)[0], run.replace(TRAILING_PUNCT, '')]);
    let shownEnd = end;
    if (run.startsWith('"')) {
      const close = text.indexOf('"', start + 1);
      if (close > start + 1) {
        raws.add(text.slice(start + 1, close));
        shownEnd = Math.max(end, close + 1);
      }
      for (const r of [...raws]) raws.add(r.replace(/^"+|"+$/g, ''));
    }
    const candidates = new Set<string>();
    for (const raw of raws) {
      for (const part of [raw, raw.split('#')[0]]) {
        for (const c of [part, part.trim(), part.replace(INVISIBLE, '').trim()]) if (c && !c.includes('\0')) candidates.add(c);
      }
    }
    const colon = run.indexOf(':', 1);
    const shown = `@${visibleText(text.slice(start, shownEnd), { singleLine: true }).slice(0, SHOWN_MAX)}${shownEnd - start > SHOWN_MAX ? '…' : ''}`;
    out.push({ shown, candidates, mcp: colon > 0 && colon < run.length - 1 });
  }
  return out;
}

/** The length of the longest prefix of `run` that ends at a word boundary (as `[^\s]+\b` backtracks). */
function lastBoundary(run: string, word: RegExp): number {
  for (let k = run.length; k > 0; k--) {
    const after = k < run.length && word.test(run[k]);
    if (word.test(run[k - 1]) !== after) return k;
  }
  return 0;
}

/** The outside path `candidate` could open, or undefined when it stays inside `root`. */
async function outside(candidate: string, root: string, homes: string[]): Promise<string | undefined> {
  for (const target of expansions(candidate, homes)) {
    const resolved = await openedPath(path.resolve(root, target));
    if (resolved === undefined) return `${target} (a path the host could not check)`;
    if (!isInside(resolved, root)) return resolved;
  }
  return undefined;
}

function expansions(candidate: string, homes: string[]): string[] {
  const home = HOME_VAR.exec(candidate);
  if (home) return homes.map((h) => path.join(h, candidate.slice(home[0].length)));
  if (candidate === '~' || /^~[/\\]/.test(candidate)) return homes.map((h) => path.join(h, candidate.slice(1)));
  // `~user/…`: Claude Code reads it relative to the cwd today; another version might expand it
  if (candidate.startsWith('~')) return [candidate, path.join(path.dirname(homes[0] ?? '/home/user'), candidate.slice(1))];
  return [candidate];
}

/** The path the OS would open for `p` (links followed), or undefined when that cannot be told
 *  (a dangling link, a folder we may not enter). A missing tail is appended as written. */
async function openedPath(p: string): Promise<string | undefined> {
  const tail: string[] = [];
  for (let cur = p; ; cur = path.dirname(cur)) {
    try {
      return path.join(await fs.realpath(cur), ...tail.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
      if (await fs.lstat(cur).then(() => true, () => false)) return undefined;
      if (path.dirname(cur) === cur) return p;
      tail.push(path.basename(cur));
    }
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
