import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findMentions, mentionRefusal } from '../../../extension/src/core/prompts/fileMentions';
import { insideSpellings, makeMentionWorld, outsideSpellings, type MentionWorld } from '../../helpers/mentionSpellings';

// Claude Code 2.1.197's own mention parsing (its bundled JS), to check ours reads at least as much.
const CLI_QUOTED = /(^|[\s\u3002\u3001\uFF1F\uFF01])@"([^"]+)"/g;
const CLI_UNQUOTED = /(^|[\s\u3002\u3001\uFF1F\uFF01])@([^\s]+)\b/g;
function cliMentions(text: string): string[] {
  const quoted = [...text.matchAll(CLI_QUOTED)].map((m) => m[2]);
  const unquoted = (text.match(CLI_UNQUOTED) ?? []).map((m) => m.slice(m.indexOf('@') + 1)).filter((m) => !m.startsWith('"'));
  return [...quoted, ...unquoted].map((m) => /^([^#]+)(?:#L(\d+)(?:-(\d+))?)?(?:#[^#]*)?$/.exec(m)?.[1] ?? m).map((m) => m.trim());
}

/** A deterministic pseudo-random source, so a failing case can be replayed. */
function prng(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('prompts: @-mentions of files outside the project', () => {
  let root: string;
  let home: string;
  let world: MentionWorld;
  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mention-')));
    home = path.join(root, 'home');
    world = makeMentionWorld(root, home);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const check = (text: string) => mentionRefusal(text, world.project, home);

  it('refuses every outside spelling, with a reason naming the mention', async () => {
    const spellings = outsideSpellings(world);
    assert.ok(spellings.length >= 50, `only ${spellings.length} spellings`);
    for (const s of spellings) {
      const why = await check(s.text);
      assert.ok(why, `${s.label} was let through`);
      assert.match(why, /^The prompt mentions @/, s.label);
      assert.doesNotMatch(why, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u202a-\u202e]/, `the reason for ${s.label} carries a raw control or invisible character`);
    }
  });

  it('lets mentions inside the project, e-mail addresses and plain prompts through', async () => {
    for (const s of insideSpellings(world)) assert.equal(await check(s.text), undefined, s.label);
  });

  it('refuses a path outside the project even when nothing is there yet, and a dangling link', async () => {
    assert.match((await check(`@${root}/not-yet-there.txt`)) ?? '', /outside the project/);
    fs.symlinkSync(path.join(root, 'outside', 'later.txt'), path.join(world.project, 'dangling'));
    assert.match((await check('@dangling')) ?? '', /could not check/);
  });

  it('refuses what may be an MCP resource, and says how to point at a line instead', async () => {
    assert.match((await check('@github:repo://secrets')) ?? '', /MCP resource.*#L10/);
  });

  it('reads at least every mention Claude Code reads, on random text', () => {
    const next = prng(10);
    const alphabet = ['@', '"', ' ', '\n', '\t', '/', 'a', 'é', '*', '(', '#', 'L', '1', '-', '.', '~', '\u200b', '\u3002', ':', '_', 'Z'];
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 30) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      const ours = new Set(findMentions(text).flatMap((m) => [...m.candidates]));
      for (const m of cliMentions(text)) if (m) assert.ok(ours.has(m), `${JSON.stringify(text)}: Claude Code reads ${JSON.stringify(m)}, we do not`);
    }
  });

  it('gives up on prompts with hundreds of mentions instead of checking each', async () => {
    assert.match((await check('@a '.repeat(501))) ?? '', /more than 500 @-mentions/);
  });
});
