import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TOOL_APPROVAL_POLICIES } from '../../../protocol/src';
import { DEFAULT_APPROVAL_TIMEOUT_MS, type HostToolAsker } from '../../../extension/src/core/prompts';
import { parseSettings, type SettingKey } from '../../../extension/src/vscode/settingsSchema';
import { toolApprovalOptions } from '../../../extension/src/vscode/sharing/toolApprovalOptions';

const parse = (values: Partial<Record<SettingKey, unknown>>) => parseSettings((k) => values[k], { homedir: '/home/ada', hostname: 'ada-laptop' });
const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8'));
const contributed = pkg.contributes.configuration.properties as Record<string, { default: unknown; enum?: string[]; scope?: string }>;
const asker: HostToolAsker = { ask: async () => undefined };

describe('tool approval settings (tandem.toolApprovals.*) → the share', () => {
  it("defaults to what `tandem share` does without flags: the host answers, any tool, 10 minutes; and the window is asked", () => {
    assert.deepEqual(toolApprovalOptions(parse({}).settings.toolApprovals, asker), { policy: 'host', timeoutMs: DEFAULT_APPROVAL_TIMEOUT_MS, remoteAllowedTools: undefined, hostAsker: asker });
    assert.equal(contributed['tandem.toolApprovals.timeoutSeconds'].default, DEFAULT_APPROVAL_TIMEOUT_MS / 1000);
    assert.deepEqual(contributed['tandem.toolApprovals.answerers'].enum, [...TOOL_APPROVAL_POLICIES]);
  });

  it('maps each setting to its flag: prompters may answer, only the tools listed, the timeout in ms', () => {
    const { settings, problems } = parse({ 'toolApprovals.answerers': 'prompters', 'toolApprovals.remoteTools': [' Edit ', 'Read'], 'toolApprovals.timeoutSeconds': 30 });
    assert.deepEqual(problems, []);
    assert.deepEqual(toolApprovalOptions(settings.toolApprovals, asker), { policy: 'prompters', timeoutMs: 30_000, remoteAllowedTools: ['Edit', 'Read'], hostAsker: asker });
  });

  it('rejects a bad value with a message naming the key and keeps the safe default', () => {
    const { settings, problems } = parse({ 'toolApprovals.answerers': 'anyone', 'toolApprovals.timeoutSeconds': 0.5, 'toolApprovals.remoteTools': 'Bash' });
    assert.equal(problems.length, 3);
    assert.match(problems.join('\n'), /tandem\.toolApprovals\.answerers: .*host.*prompters/);
    assert.match(problems.join('\n'), /tandem\.toolApprovals\.timeoutSeconds: must be a whole number of seconds/);
    assert.deepEqual(settings.toolApprovals, { answerers: 'host', remoteTools: [], timeoutMs: DEFAULT_APPROVAL_TIMEOUT_MS });
  });

  it('is set per machine, so a workspace cannot let prompters answer', () => {
    for (const key of ['answerers', 'remoteTools', 'timeoutSeconds']) assert.equal(contributed[`tandem.toolApprovals.${key}`].scope, 'machine', key);
  });
});
