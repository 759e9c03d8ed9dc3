import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findExecutable, shellCommand, shellKind } from '../../../extension/src/vscode/handoff/shellCommand';

describe('Continue Here: the command typed into the terminal', () => {
  it('quotes a hostile program path so the shell runs that program and nothing else', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-it's; touch PWNED $(id) `x` "));
    try {
      const program = path.join(dir, 'fake claude');
      fs.writeFileSync(program, '#!/bin/sh\necho "ran:$*"\n', { mode: 0o755 });
      const line = shellCommand(program, ['--resume', '0b6c4d1e-2f3a-4b5c-8d7e-9f0a1b2c3d4e'], 'posix');
      const out = execFileSync('/bin/sh', ['-c', line], { cwd: dir, encoding: 'utf8' });
      assert.equal(out, 'ran:--resume 0b6c4d1e-2f3a-4b5c-8d7e-9f0a1b2c3d4e\n');
      assert.deepEqual(fs.readdirSync(dir), ['fake claude'], 'nothing else was created');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses arguments that are not plain words, and line breaks in the path', () => {
    assert.throws(() => shellCommand('claude', ['--resume', 'x; rm -rf ~'], 'posix'), /not a plain word/);
    assert.throws(() => shellCommand('claude\nrm -rf ~', ['--resume'], 'posix'), /line break/);
    assert.throws(() => shellCommand('C:\\a%PATH%\\claude.exe', [], 'cmd'), /cmd.exe would interpret/);
  });

  it('quotes for PowerShell and cmd, and tells the shells apart', () => {
    assert.equal(shellCommand("C:\\Users\\o'brien\\claude.exe", ['--resume', 'abc'], 'powershell'), "& 'C:\\Users\\o''brien\\claude.exe' --resume abc");
    assert.equal(shellCommand('C:\\Program Files\\claude.exe', ['--resume', 'abc'], 'cmd'), '"C:\\Program Files\\claude.exe" --resume abc');
    assert.deepEqual(['/bin/zsh', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'pwsh', 'C:\\Windows\\System32\\cmd.exe'].map(shellKind), ['posix', 'powershell', 'powershell', 'cmd']);
  });

  it('finds a program on PATH or by path, and nothing that is missing or not executable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-path-'));
    try {
      fs.writeFileSync(path.join(dir, 'claude'), '#!/bin/sh\n', { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'notes'), 'x', { mode: 0o644 });
      const env = { PATH: `/nonexistent${path.delimiter}${dir}` };
      assert.equal(await findExecutable('claude', env), path.join(dir, 'claude'));
      assert.equal(await findExecutable(path.join(dir, 'claude'), {}), path.join(dir, 'claude'));
      assert.equal(await findExecutable('notes', env), undefined);
      assert.equal(await findExecutable('no-such-program', env), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
