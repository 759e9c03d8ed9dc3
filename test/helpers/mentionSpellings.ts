// A host folder laid out for the @-mention attacks of issue 10 item 1, and the spellings an attacker
// would try: files and folders outside the project (absolute, `../`, `~`, `$HOME`, a link inside the
// project pointing out), each decorated the ways Claude Code's parser trims or backtracks over
// (word boundaries before `*`, `(`, `é`, zero-width characters, line ranges, quotes with spaces and
// newlines). The secret's content and a file name only found outside must never reach the API.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type MentionWorld = {
  project: string;
  /** the content of every secret file; must never reach an API request */
  secret: string;
  /** the name of a file in every outside folder; a folder listing would carry it */
  secretName: string;
  /** the content of inside.txt in the project; a mention of it does reach the API */
  insideContent: string;
};

export type Spelling = { label: string; text: string };

/** Lays out `root`: project/{inside.txt, src/inside.ts, link.txt → outside secret, linkdir → outside},
 *  outside/{secret.txt, <secretName>}, and the same secret in `home`. */
export function makeMentionWorld(root: string, home: string, projectName = 'proj'): MentionWorld {
  const tag = crypto.randomBytes(8).toString('hex');
  const world: MentionWorld = { project: path.join(root, projectName), secret: `SECRET-CONTENT-${tag}`, secretName: `SECRETNAME${tag}`, insideContent: `INSIDE-CONTENT-${tag}` };
  const outside = path.join(root, 'outside');
  for (const dir of [path.join(world.project, 'src'), outside, home]) fs.mkdirSync(dir, { recursive: true });
  for (const dir of [outside, home, root]) {
    fs.writeFileSync(path.join(dir, 'secret.txt'), `${world.secret}\n`);
    fs.writeFileSync(path.join(dir, world.secretName), `${world.secret}\n`);
  }
  fs.writeFileSync(path.join(home, 'secret-home.txt'), `${world.secret}\n`);
  fs.writeFileSync(path.join(world.project, 'inside.txt'), `${world.insideContent}\n`);
  fs.writeFileSync(path.join(world.project, 'src', 'inside.ts'), `export const inside = '${world.insideContent}';\n`);
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(world.project, 'link.txt'));
  fs.symlinkSync(outside, path.join(world.project, 'linkdir'));
  return world;
}

const SUFFIXES = ['*', '(', ')', ',', '.', 'é', 'ñ', '\u200b', '\u2060', '\u200d', '\u00ad', '\u202e', '\ufeff', '#L1-2', '#L1', '#frag', '?', ':', "'", '"'];
const QUOTED = [(t: string) => `@"${t}"`, (t: string) => `@" ${t}"`, (t: string) => `@"${t} "`, (t: string) => `@"\n${t}"`, (t: string) => `@"${t}\n"`, (t: string) => `@"\t${t}"`, (t: string) => `@"${t}#L1-3"`, (t: string) => `@"\u3000${t}\u3000"`];

/** Spellings that name something outside `world.project`; each must be refused. */
export function outsideSpellings(world: MentionWorld): Spelling[] {
  const root = path.dirname(world.project);
  const abs = path.join(root, 'outside', 'secret.txt');
  const issue = [`@${abs}*`, `@${abs}(`, `@${abs}\u200b`, `@${abs}é`, `@" ${abs}"`, `@"${abs} "`, `@"\n${abs}"`];
  const plain = [abs, '../outside/secret.txt', 'link.txt', 'linkdir/secret.txt', '~/secret-home.txt', '$HOME/secret-home.txt', '${HOME}/secret-home.txt', 'src/../../outside/secret.txt', './../secret.txt', `${root}/./outside/../outside/secret.txt`];
  const folders = ['..', '~', '~/', 'linkdir', `${root}/outside`, '../outside/', '../'];
  const spellings: string[] = [
    ...issue,
    ...plain.map((t) => `@${t}`),
    ...folders.map((t) => `@${t}`),
    ...SUFFIXES.flatMap((s) => [abs, '../outside/secret.txt', 'link.txt'].map((t) => `@${t}${s}`)),
    ...QUOTED.flatMap((q) => [abs, '~/secret-home.txt', 'linkdir/secret.txt'].map(q)),
    ...['\n', '\u3002', '\u3000', '\t', '('].map((p) => `see${p}@${abs}`),
    `@${abs}\u200b#L1`,
    `@"${abs}" and @"${abs}`,
    `@mcp-server:file:///etc/hostname`,
  ];
  return [...new Set(spellings)].map((s) => ({ label: JSON.stringify(s), text: `please look at ${s} and summarise it` }));
}

/** Prompts that stay inside the project (or mention nothing); each must run. The first attaches inside.txt. */
export function insideSpellings(world: MentionWorld): Spelling[] {
  return ['read @inside.txt please', 'and @"inside.txt" too', 'lines @src/inside.ts#L1 only', `@${world.project}/inside.txt,`, 'mail ana@example.com about it', 'no mention at all'].map((text) => ({ label: JSON.stringify(text), text }));
}
