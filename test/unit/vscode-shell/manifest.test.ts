import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { COMMAND_IDS } from '../../../extension/src/vscode/commandIds';

const root = path.resolve(import.meta.dirname, '../../..');
const text = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
const pkg = JSON.parse(text);
const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

describe('extension manifest (package.json, package.nls.json)', () => {
  it('has a string in package.nls.json for every %placeholder%, and none left over', () => {
    const used = [...text.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.deepEqual(used.filter((k) => !(k in nls)), []);
    assert.deepEqual(Object.keys(nls).filter((k) => !used.includes(k)), []);
  });

  it('contributes exactly the commands the extension registers', () => {
    assert.deepEqual((pkg.contributes.commands as { command: string }[]).map((c) => c.command).sort(), [...COMMAND_IDS].sort());
  });

  it('hides from the palette every command that needs a shared session, a running relay or a tree item', () => {
    const when = new Map((pkg.contributes.menus.commandPalette as { command: string; when: string }[]).map((m) => [m.command, m.when]));
    for (const id of ['tandem.stopSharing', 'tandem.copyObserverLink', 'tandem.copyPrompterLink', 'tandem.copyHandoffLink']) assert.equal(when.get(id), 'tandem.sharing', id);
    assert.equal(when.get('tandem.stopRelay'), 'tandem.relayRunning');
    assert.equal(when.get('tandem.showPending'), 'tandem.pending');
    for (const id of ['tandem.openSession', 'tandem.removeSharedLink', 'tandem.openInEditor']) assert.equal(when.get(id), 'false', id);
  });

  it('gives every view a distinct name and every tree view a welcome', () => {
    const views = pkg.contributes.views.tandem as { id: string; name: string; type?: string }[];
    const names = views.map((v) => nls[v.name.slice(1, -1)].toLowerCase());
    assert.equal(new Set(names.map((n) => n.replace(/s$/, ''))).size, names.length, `names too alike: ${names.join(', ')}`);
    const welcomed = new Set((pkg.contributes.viewsWelcome as { view: string }[]).map((w) => w.view));
    assert.deepEqual(views.filter((v) => v.type !== 'webview' && !welcomed.has(v.id)).map((v) => v.id), []);
  });

  it('describes every setting, orders them, and warns on the permission modes that act without asking', () => {
    const props = pkg.contributes.configuration.properties as Record<string, { scope?: string; order?: number; enum?: string[]; enumDescriptions?: string[]; markdownEnumDescriptions?: string[] }>;
    for (const [key, p] of Object.entries(props)) {
      assert.ok(p.scope, `${key} declares its scope`);
      assert.equal(typeof p.order, 'number', `${key} has an order`);
      if (p.enum) assert.equal((p.enumDescriptions ?? p.markdownEnumDescriptions)?.length, p.enum.length, `${key} describes each value`);
    }
    for (const key of ['tandem.claudePath', 'tandem.remotePrompts.policy', 'tandem.remotePrompts.permissionMode', 'tandem.remotePrompts.allowedTools']) {
      assert.ok(['machine', 'application'].includes(props[key].scope!), `${key} must not be settable by a workspace`);
    }
    const modes = props['tandem.remotePrompts.permissionMode'];
    const warned = modes.enum!.filter((_, i) => nls[modes.markdownEnumDescriptions![i].slice(1, -1)].startsWith('⚠️'));
    assert.deepEqual(warned.sort(), ['auto', 'bypassPermissions', 'dontAsk']);
  });

  it('names a license file, an icon, the repository and the capabilities the Marketplace asks for', () => {
    assert.match(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'), new RegExp(`^${pkg.license} License`));
    const png = fs.readFileSync(path.join(root, pkg.icon));
    assert.equal(png.readUInt32BE(16), 128, 'icon is 128 px wide');
    assert.equal(png.readUInt32BE(20), 128, 'icon is 128 px high');
    assert.ok(pkg.repository?.url && pkg.bugs?.url && pkg.homepage && pkg.galleryBanner && pkg.preview === true);
    assert.ok(pkg.capabilities.untrustedWorkspaces.supported !== undefined && pkg.capabilities.virtualWorkspaces.supported !== undefined);
    assert.deepEqual(pkg.extensionKind, ['workspace']);
    assert.ok(!(pkg.categories as string[]).includes('Other'));
  });
});
