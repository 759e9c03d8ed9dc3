import type * as vscode from 'vscode';
import { ShareRecord, renewShareRecord } from '../../core/sync/shareStore';
import type { Logger } from '../log';

// The extension's share records (keys and links, one per shared session) in SecretStorage, the OS keychain:
// they hold the share's private key. Sharing a session again reuses its keys, so earlier links keep working.

const key = (sessionId: string) => `tandem.share.${sessionId}`;

export class ShareRecords {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Logger,
  ) {}

  async read(sessionId: string): Promise<ShareRecord | undefined> {
    const text = await this.secrets.get(key(sessionId));
    if (!text) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const r = ShareRecord.safeParse(json);
    if (r.success) return r.data;
    this.log.warn(`the saved share of session ${sessionId} is damaged; sharing it again makes new links`);
    return undefined;
  }

  /** The record to share `sessionId` through `relayUrl` with: the saved one (tokens renewed) or a new one; saved by `commit()` once the share works. */
  async prepare(sessionId: string, relayUrl: string, linkTtlSeconds: number): Promise<{ record: ShareRecord; commit: () => Promise<void> }> {
    const stored = await this.read(sessionId);
    const { record } = renewShareRecord(stored, { sessionId, relayUrl, linkTtlSeconds });
    const changed = JSON.stringify(record) !== JSON.stringify(stored);
    return { record, commit: async () => (changed ? this.secrets.store(key(sessionId), JSON.stringify(record)) : undefined) };
  }

  async remove(sessionId: string): Promise<void> {
    await this.secrets.delete(key(sessionId));
  }
}
