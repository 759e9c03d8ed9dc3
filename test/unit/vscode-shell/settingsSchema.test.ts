import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PROMPT_POLICIES } from '../../../extension/src/core/prompts/approval';
import { PERMISSION_MODES } from '../../../extension/src/core/prompts/claudeProcess';
import { SETTING_KEYS, parseSettings, type SettingKey } from '../../../extension/src/vscode/settingsSchema';

const environment = { homedir: '/home/ada', hostname: 'ada-laptop' };
const parse = (values: Partial<Record<SettingKey, unknown>>) => parseSettings((k) => values[k], environment);
const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8'));
const contributed = pkg.contributes.configuration.properties as Record<string, { default: unknown; enum?: string[] }>;

describe('extension settings (tandem.*)', () => {
  it('parses exactly the keys package.json contributes, and every contributed default is valid', () => {
    assert.deepEqual(Object.keys(contributed).sort(), SETTING_KEYS.map((k) => `tandem.${k}`).sort());
    const defaults = Object.fromEntries(SETTING_KEYS.map((k) => [k, contributed[`tandem.${k}`].default]));
    assert.deepEqual(parse(defaults).problems, []);
  });

  it("offers in Settings exactly the policies and permission modes core's prompt runner accepts", () => {
    assert.deepEqual(contributed['tandem.remotePrompts.policy'].enum, [...PROMPT_POLICIES]);
    assert.deepEqual(contributed['tandem.remotePrompts.permissionMode'].enum, [...PERMISSION_MODES]);
  });

  it('defaults: embedded relay, Claude folder left to core, the host name, ask before remote prompts', () => {
    const { settings } = parse({});
    assert.equal(settings.relayUrl, undefined);
    assert.equal(settings.claudeFolder, undefined);
    assert.equal(settings.hostLabel, 'ada-laptop');
    assert.equal(settings.remotePrompts.policy, 'ask');
  });

  it('normalises what users type: trims, expands ~, drops a trailing slash from the relay URL', () => {
    const { settings, problems } = parse({ relayUrl: ' https://relay.example.com:8443/ ', claudeFolder: '~/alt-claude', 'remotePrompts.newSessionProjects': ['~/src/app'] });
    assert.deepEqual(problems, []);
    assert.equal(settings.relayUrl, 'https://relay.example.com:8443');
    assert.equal(settings.claudeFolder, '/home/ada/alt-claude');
    assert.deepEqual(settings.remotePrompts.newSessionProjects, ['/home/ada/src/app']);
  });

  it('rejects each bad value with a message naming the key, keeps its default and applies the other keys', () => {
    const { settings, problems } = parse({ relayUrl: 'ws://relay:1234', 'remotePrompts.policy': 'always', hostLabel: 'x'.repeat(101), claudePath: '/opt/claude' });
    assert.equal(problems.length, 3);
    assert.match(problems[0], /^tandem\.relayUrl: must be an http:\/\/ or https:\/\/ URL.*; using the default$/);
    assert.match(problems.join('\n'), /tandem\.remotePrompts\.policy: .*ask.*auto.*never/);
    assert.match(problems.join('\n'), /tandem\.hostLabel: must be at most 100 characters/);
    assert.equal(settings.relayUrl, undefined);
    assert.equal(settings.remotePrompts.policy, 'ask');
    assert.equal(settings.hostLabel, 'ada-laptop');
    assert.equal(settings.claudePath, '/opt/claude');
  });

  it('rejects values of the wrong type from a hand-edited settings.json', () => {
    const { problems, settings } = parse({ 'remotePrompts.allowedTools': 'Read', claudeFolder: 42 });
    assert.equal(problems.length, 2);
    assert.deepEqual(settings.remotePrompts.allowedTools, []);
  });
});
