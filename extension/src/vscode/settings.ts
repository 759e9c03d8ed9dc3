import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import type { Logger } from './log';
import { parseSettings, type Settings } from './settingsSchema';

/** The current `tandem.*` settings, re-read when the user changes them. Bad values are reported once per change. */
export class SettingsService extends Disposable {
  private value: Settings;
  private readonly changed = this.register(new vscode.EventEmitter<Settings>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: Logger) {
    super();
    this.value = this.read();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('tandem')) return;
        this.value = this.read();
        this.changed.fire(this.value);
      }),
    );
  }

  get current(): Settings {
    return this.value;
  }

  private read(): Settings {
    const config = vscode.workspace.getConfiguration('tandem');
    const { settings, problems } = parseSettings((key) => config.get(key));
    for (const p of problems) {
      this.log.warn(`settings: ${p}`);
      const open = vscode.l10n.t('Open Settings');
      void vscode.window.showWarningMessage(vscode.l10n.t('{0}. Fix it in Settings.', p), open).then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'tandem.');
      });
    }
    return settings;
  }
}
