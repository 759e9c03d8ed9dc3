import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { decodeToken, type Role } from '../../../../protocol/src';
import { writeFileAtomic } from '../handoff/atomicWrite';
import { ensurePrivateDir } from '../state/privateFiles';
import { ShareKeys, generateShareKeys, signToken } from './shareKeys';

// The CLI host's record of its shares: one file per shared session under <state>/shares/, mode 0600
// (it holds the share's private key). A restarted `tandem share` finds it and continues the same share
// with the same links. The extension keeps the same record in SecretStorage instead.

export const LINK_ROLES = ['observer', 'prompter', 'handoff'] as const;
export type LinkKind = (typeof LINK_ROLES)[number];

const linkRole: Record<LinkKind, Role> = { observer: 'observer', prompter: 'prompter', handoff: 'host' };

export const ShareRecord = z.object({
  v: z.literal(1),
  sessionId: z.string(),
  relayUrl: z.string(),
  keys: ShareKeys,
  createdAt: z.number(),
  /** the host's own token and the three links' tokens */
  tokens: z.object({ host: z.string(), observer: z.string(), prompter: z.string(), handoff: z.string() }),
});
export type ShareRecord = z.infer<typeof ShareRecord>;

/** Where Tandem keeps its own state: $TANDEM_HOME, else ~/.tandem. */
export function tandemHome(env: NodeJS.ProcessEnv): string {
  return env.TANDEM_HOME || path.join(env.HOME || os.homedir(), '.tandem');
}

export type ShareStoreOptions = { home: string; linkTtlSeconds: number };

/** A token is reused while more than this share of its lifetime is left; then a fresh one is signed. */
const RENEW_WHEN_LEFT = 0.25;

export class ShareStore {
  constructor(private readonly options: ShareStoreOptions) {}

  private file(sessionId: string): string {
    if (!/^[A-Za-z0-9-]{1,100}$/.test(sessionId)) throw new Error(`"${sessionId}" is not a session id`);
    return path.join(this.options.home, 'shares', `${sessionId}.json`);
  }

  async read(sessionId: string): Promise<ShareRecord | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.file(sessionId), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const r = ShareRecord.safeParse(safeJson(text));
    if (!r.success) throw new Error(`${this.file(sessionId)} is damaged; delete it to share the session under a new link`);
    return r.data;
  }

  /**
   * The share of this session on this relay: the stored one (tokens renewed when near expiry), else a
   * new one. Nothing is written until `commit()`, called once the share works: a failed attempt (an
   * unreachable relay, a typo in --relay) leaves the stored record, and the links people hold, whole.
   */
  async prepare(sessionId: string, relayUrl: string, now = Date.now()): Promise<{ record: ShareRecord; created: boolean; commit: () => Promise<void> }> {
    const stored = await this.read(sessionId);
    const opened = renewShareRecord(stored, { sessionId, relayUrl, linkTtlSeconds: this.options.linkTtlSeconds, now });
    const changed = JSON.stringify(opened.record) !== JSON.stringify(stored);
    return { ...opened, commit: async () => (changed ? this.write(opened.record) : undefined) };
  }

  /** Every stored record (unreadable ones are skipped: `read` names them when used). */
  async list(): Promise<ShareRecord[]> {
    const names = await fs.readdir(path.join(this.options.home, 'shares')).catch(() => [] as string[]);
    const ids = names.map((n) => /^([A-Za-z0-9-]{1,100})\.json$/.exec(n)?.[1]).filter((id): id is string => id !== undefined);
    const records = await Promise.all(ids.map((id) => this.read(id).catch(() => undefined)));
    return records.filter((r): r is ShareRecord => r !== undefined);
  }

  async remove(sessionId: string): Promise<void> {
    await fs.rm(this.file(sessionId), { force: true });
  }

  private async write(record: ShareRecord): Promise<void> {
    const file = this.file(record.sessionId);
    await ensurePrivateDir(path.dirname(file));
    await writeFileAtomic(file, Buffer.from(JSON.stringify(record, null, 2)), { mode: 0o600 });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The share to use for a session on a relay, given what is stored (in a 0600 file for the CLI, in
 * SecretStorage for the extension): the stored keys and links when they are for this relay, with tokens
 * renewed when little of their lifetime is left; else new keys and links.
 */
export function renewShareRecord(
  stored: ShareRecord | undefined,
  { sessionId, relayUrl, linkTtlSeconds: ttl, now = Date.now() }: { sessionId: string; relayUrl: string; linkTtlSeconds: number; now?: number },
): { record: ShareRecord; created: boolean } {
  const sameRelay = stored && stored.relayUrl === relayUrl;
  const keys = sameRelay ? stored.keys : generateShareKeys();
  const tokens = { ...(sameRelay ? stored.tokens : {}) } as Partial<ShareRecord['tokens']>;
  const fresh = (token: string | undefined) => {
    const claims = token ? decodeToken(token)?.claims : undefined;
    return claims !== undefined && claims.sid === keys.shareId && claims.exp - now / 1000 > ttl * RENEW_WHEN_LEFT;
  };
  const mint = (role: Role) => signToken(keys, { role, ttlSeconds: ttl, now: now / 1000 }).token;
  if (!fresh(tokens.host)) tokens.host = mint('host');
  for (const kind of LINK_ROLES) if (!fresh(tokens[kind])) tokens[kind] = mint(linkRole[kind]);
  const record: ShareRecord = { v: 1, sessionId, relayUrl, keys, createdAt: sameRelay ? stored.createdAt : now, tokens: tokens as ShareRecord['tokens'] };
  return { record, created: !sameRelay };
}
