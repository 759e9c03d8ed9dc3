import assert from 'node:assert/strict';
import { resumeCommand } from '../../../extension/src/core/handoff';

describe('handoff: the resume command', () => {
  const id = '8c880a68-969b-4b92-8733-a4927179d072';

  it('is an argument array for spawning, and a line to paste with the folder quoted only when needed', () => {
    assert.deepEqual(resumeCommand('/home/me/app', id, 'linux'), { cwd: '/home/me/app', command: 'claude', args: ['--resume', id], display: `cd /home/me/app && claude --resume ${id}` });
    assert.equal(resumeCommand("/home/me/my app's", id, 'linux').display, `cd '/home/me/my app'\\''s' && claude --resume ${id}`);
    assert.equal(resumeCommand('/tmp/$(rm -rf ~)', id, 'darwin').display, `cd '/tmp/$(rm -rf ~)' && claude --resume ${id}`);
    assert.equal(resumeCommand('C:\\Users\\Me\\My App', id, 'win32').display, `cd "C:\\Users\\Me\\My App" && claude --resume ${id}`);
  });
});
