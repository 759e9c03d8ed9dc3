import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mentionOutsideProject } from '../../../extension/src/core/prompts/fileMentions';

describe('prompts: @-mentions of files outside the project', () => {
  let root: string;
  let proj: string;
  let home: string;
  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mention-')));
    proj = path.join(root, 'proj');
    home = path.join(root, 'home');
    fs.mkdirSync(path.join(proj, 'src'), { recursive: true });
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
    fs.writeFileSync(path.join(proj, 'src', 'inside.ts'), 'ok');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'secret');
    fs.writeFileSync(path.join(home, '.ssh', 'id_rsa'), 'key');
    fs.symlinkSync(path.join(root, 'secret.txt'), path.join(proj, 'innocent-link'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const check = (text: string) => mentionOutsideProject(text, proj, home);

  it('finds every form Claude Code attaches, and a few it might', async () => {
    const secret = path.join(root, 'secret.txt');
    const cases: [string, string][] = [
      [`read @${secret} please`, `@${secret}`],
      [`@"${secret}"`, `@"${secret}"`],
      ['look at @../secret.txt', '@../secret.txt'],
      ['what is @~/.ssh/id_rsa', '@~/.ssh/id_rsa'],
      ['@innocent-link', '@innocent-link'],
      [`see @${secret}, then`, `@${secret},`],
      [`lines @${secret}#L1-2`, `@${secret}#L1-2`],
      [`first line\n@${root}`, `@${root}`],
      [`(@${secret})`, `@${secret})`],
    ];
    for (const [text, found] of cases) assert.equal(await check(text), found, text);
  });

  it('lets mentions inside the project, e-mail addresses and paths that do not exist through', async () => {
    for (const text of ['@src/inside.ts and @./src', 'mail ana@example.com', `x@${root}/secret.txt`, '@/no/such/file', '@', 'no mentions at all']) {
      assert.equal(await check(text), undefined, text);
    }
  });

  it('gives up on prompts with hundreds of mentions instead of checking each', async () => {
    assert.equal(await check('@a '.repeat(501)), 'more than 500 @-mentions');
  });
});
