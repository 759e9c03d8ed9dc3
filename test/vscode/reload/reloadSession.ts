import fs from 'node:fs';
import path from 'node:path';
import { joinLines, readLines, readMeta } from '../../../protocol/src';
import { joinShare } from '../../../extension/src/core/sync/joinShare';
import { waitFor } from '../../helpers/waitFor';
import { corpusDir } from '../support';

// What the two halves of the reload test share: the session, and what before-reload left for after-reload.

export const RELOAD_SESSION = '354b2588-2a5c-43d7-b678-e95a4a87bd2a';
export const RELOAD_CLAUDE_DIR = path.join(corpusDir, 'bradymholt-dotfiles');

export type ReloadState = { observer: string; hostId: string };

export function saveState(state: ReloadState): void {
  fs.writeFileSync(process.env.TANDEM_VSCODE_STATE as string, JSON.stringify(state), { mode: 0o600 });
}

export function loadState(): ReloadState {
  return JSON.parse(fs.readFileSync(process.env.TANDEM_VSCODE_STATE as string, 'utf8')) as ReloadState;
}

/** Joins with `link` and waits until a host other than `previousHostId` publishes the session (not ended). */
export async function publishingHost(link: string, previousHostId?: string, timeoutMs = 30_000): Promise<{ hostId: string; lines: () => string; dispose(): void }> {
  const viewer = await joinShare(link);
  const hostId = await waitFor(
    () => {
      const meta = readMeta(viewer.docs.transcript);
      return meta.hostId && meta.hostId !== previousHostId && meta.state !== 'ended' ? meta.hostId : undefined;
    },
    { timeoutMs, what: previousHostId ? 'a new host (the restored share) to publish the session' : 'the host to publish the session' },
  ).catch((e: Error) => {
    viewer.dispose();
    throw e;
  });
  return { hostId, lines: () => joinLines(readLines(viewer.docs.transcript)), dispose: () => viewer.dispose() };
}

export function sessionFile(): string {
  const rel = fs.readdirSync(path.join(RELOAD_CLAUDE_DIR, 'projects'), { recursive: true }).map(String).find((f) => f.endsWith(`${RELOAD_SESSION}.jsonl`));
  if (!rel) throw new Error(`no ${RELOAD_SESSION}.jsonl under ${RELOAD_CLAUDE_DIR}`);
  return path.join(RELOAD_CLAUDE_DIR, 'projects', rel);
}
