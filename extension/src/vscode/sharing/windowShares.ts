import * as vscode from 'vscode';
import { z } from 'zod';
import type { SessionSummary } from '../../core/transcripts/catalog';
import type { Logger } from '../log';
import type { Settings } from '../settingsSchema';

// The sessions this window shares, kept in its workspace state so a reload or a restart of VS Code can
// offer to share them again, with the same links (their records are in SecretStorage), per
// `tandem.restoreShares`.

const KEY = 'tandem.windowShares';
const Ids = z.array(z.string()).catch([]);

export class WindowShares {
  constructor(private readonly state: vscode.Memento) {}

  list(): string[] {
    return Ids.parse(this.state.get(KEY));
  }

  async add(sessionId: string): Promise<void> {
    if (!this.list().includes(sessionId)) await this.state.update(KEY, [...this.list(), sessionId]);
  }

  async remove(sessionId: string): Promise<void> {
    await this.state.update(KEY, this.list().filter((id) => id !== sessionId));
  }
}

export type Restorer = {
  windowShares: WindowShares;
  /** the sessions on disk now */
  listSessions(): Promise<readonly SessionSummary[]>;
  share(session: SessionSummary): Promise<unknown>;
  policy(): Settings['sharing']['restore'];
  log: Logger;
};

/** On activation: share again what this window shared before it reloaded (asking first, per the setting). */
export async function restoreWindowShares({ windowShares, listSessions, share, policy: restorePolicy, log }: Restorer): Promise<void> {
  const ids = windowShares.list();
  if (!ids.length) return;
  const policy = restorePolicy();
  if (policy === 'never') return;
  const onDisk = await listSessions();
  const sessions = onDisk.filter((s) => ids.includes(s.sessionId) && !s.orphan);
  for (const id of ids) if (!sessions.some((s) => s.sessionId === id)) await windowShares.remove(id);
  if (!sessions.length) return;
  if (policy === 'ask') {
    const names = sessions.map((s) => `“${s.title ?? s.sessionId.slice(0, 8)}”`).join(', ');
    const resume = 'Resume Sharing';
    const pick = await vscode.window.showInformationMessage(`Tandem: this window was sharing ${names}. Resume with the same links?`, resume, 'Not Now');
    if (pick !== resume) {
      for (const s of sessions) await windowShares.remove(s.sessionId);
      return;
    }
  }
  for (const s of sessions) {
    await share(s).then(
      () => log.info(`resumed sharing ${s.sessionId} after the window reloaded`),
      (e: Error) => log.warn(`could not resume sharing ${s.sessionId}: ${e.message}`),
    );
  }
}
