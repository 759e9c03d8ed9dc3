import assert from 'node:assert/strict';
import { checkSettings, claudeArgs } from '../../../extension/src/core/prompts/claudeProcess';
import { DEFAULT_MAX_RETRIES, buildClaudeEnv } from '../../../extension/src/core/prompts/cleanEnv';

describe('prompts: how claude is started', () => {
  it('passes no prompt argument (prompts go on stdin as stream-json), asks permissions on stdio, and puts variadic --allowedTools last', () => {
    const id = '0acd9b6f-116b-4a89-8236-6f13710f1128';
    const stream = ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose', '--permission-prompt-tool', 'stdio'];
    assert.deepEqual(claudeArgs({ command: 'claude' }, id), ['--resume', id, ...stream, '--disable-slash-commands']);
    const settings = { command: 'claude', permissionMode: 'acceptEdits', allowedTools: ['Bash(npm test:*)', 'Edit'], extraArgs: ['--model', 'sonnet'], allowSlashCommands: true } as const;
    assert.deepEqual(claudeArgs(settings, undefined), [
      ...stream,
      '--permission-mode',
      'acceptEdits',
      '--model',
      'sonnet',
      '--allowedTools',
      'Bash(npm test:*)',
      'Edit',
    ]);
  });

  it('refuses settings that would change what the arguments mean', () => {
    assert.throws(() => checkSettings({ command: '' }), /No claude command is configured/);
    assert.throws(() => checkSettings({ command: 'claude', permissionMode: 'yolo' as never }), /Unknown permission mode "yolo"/);
    assert.throws(() => checkSettings({ command: 'claude', allowedTools: ['--dangerously-skip-permissions'] }), /is not a tool rule/);
  });

  it('drops inherited Claude Code variables, keeps the rest, and lets the host settings set their own', () => {
    const env = buildClaudeEnv({
      base: { PATH: '/bin', HOME: '/h', ANTHROPIC_API_KEY: 'k', CLAUDECODE: '1', CLAUDE_CODE_ENTRYPOINT: 'cli', CLAUDE_CODE_SSE_PORT: '1234', CLAUDE_CODE_MAX_RETRIES: '50' },
      overrides: { CLAUDE_CODE_USE_BEDROCK: '1' },
    });
    assert.deepEqual(env, { PATH: '/bin', HOME: '/h', ANTHROPIC_API_KEY: 'k', CLAUDE_CODE_MAX_RETRIES: String(DEFAULT_MAX_RETRIES), CLAUDE_CODE_USE_BEDROCK: '1' });
  });

  it('sets CLAUDE_CONFIG_DIR only when the shared Claude folder is not the one claude would use anyway', () => {
    assert.equal(buildClaudeEnv({ base: { HOME: '/h' }, claudeDir: '/h/.claude' }).CLAUDE_CONFIG_DIR, undefined);
    assert.equal(buildClaudeEnv({ base: { HOME: '/h' }, claudeDir: '/elsewhere' }).CLAUDE_CONFIG_DIR, '/elsewhere');
    assert.equal(buildClaudeEnv({ base: { HOME: '/h', CLAUDE_CONFIG_DIR: '/cfg' }, claudeDir: '/cfg' }).CLAUDE_CONFIG_DIR, '/cfg');
  });
});
