import { parseLink, type ParsedLink, type Role } from '../../../../protocol/src';
import * as vscode from 'vscode';
import { z } from 'zod';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import type { ViewerStatus } from '../webview/viewerWebview';
import { withoutToken } from '../api';

// "Shared with me": the links this user opened or pasted, newest first, one per share and role (a handoff
// link opened later does not replace the observer link of the same share). Links carry access
// tokens, so the list lives in SecretStorage (the OS keychain), never in settings or globalState.

const SECRET_KEY = 'tandem.sharedWithMe';
const MAX_LINKS = 50;
const Stored = z.array(z.object({ link: z.string(), openedAt: z.number(), title: z.string().optional() }));

export type SharedLink = {
  link: string;
  shareId: string;
  role: Role;
  relayUrl: string;
  expiresAt: number;
  openedAt: number;
  title?: string;
  /** what the viewer last reported in this window (not stored) */
  status?: ViewerStatus;
};

export class SharedLinks extends Disposable {
  private items: SharedLink[] = [];
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Logger,
  ) {
    super();
  }

  get all(): readonly SharedLink[] {
    return this.items;
  }

  /** The entry holding `link`'s share and role. */
  find(link: string): SharedLink | undefined {
    const r = parseLink(link);
    return r.ok ? this.items.find((i) => i.shareId === r.link.shareId && i.role === r.link.claims.role) : undefined;
  }

  async load(): Promise<void> {
    const raw = await this.secrets.get(SECRET_KEY);
    if (!raw) return;
    let stored: z.infer<typeof Stored>;
    try {
      stored = Stored.parse(JSON.parse(raw));
    } catch (e) {
      // keep the damaged value where it is: the next add() overwrites it, nothing else touches it
      this.log.warn(`Shared with me: the saved list could not be read and starts empty (${e instanceof Error ? e.message.slice(0, 200) : e})`);
      return;
    }
    this.items = stored.flatMap((s) => {
      const r = parseLink(s.link);
      return r.ok ? [toItem(r.link, s.link, s.openedAt, s.title)] : [];
    });
    this.changed.fire();
  }

  /** Adds or refreshes (same share and role: the newer link wins) and moves it to the top. */
  async add(link: string, now = Date.now()): Promise<SharedLink> {
    const r = parseLink(link);
    if (!r.ok) throw new Error(`not a Tandem link (${r.error})`);
    const previous = this.find(link);
    const item = toItem(r.link, link, now, previous?.title ?? this.items.find((i) => i.shareId === r.link.shareId)?.title);
    this.items = [item, ...this.items.filter((i) => i !== previous)].slice(0, MAX_LINKS);
    await this.save();
    return item;
  }

  /** Forgets the entry holding `link` (its share and role); true when there was one. */
  /** `link` as stored, or as the extension API shows it (without its token). */
  async remove(link: string): Promise<boolean> {
    const item = this.find(link) ?? this.items.find((i) => withoutToken(i.link) === link);
    if (!item) return false;
    this.items = this.items.filter((i) => i !== item);
    await this.save();
    return true;
  }

  /** Records what the viewer says about a share (its title is kept for next time). */
  setStatus(link: string, status: ViewerStatus): void {
    const item = this.find(link);
    if (!item) return;
    item.status = status;
    const titleChanged = status.title !== undefined && status.title !== item.title;
    if (titleChanged) item.title = status.title;
    this.changed.fire();
    if (titleChanged) void this.save().catch((e) => this.log.error('Shared with me: saving the list failed', e));
  }

  private async save(): Promise<void> {
    this.changed.fire();
    await this.secrets.store(SECRET_KEY, JSON.stringify(this.items.map((i) => ({ link: i.link, openedAt: i.openedAt, title: i.title }))));
  }
}

function toItem(parsed: ParsedLink, link: string, openedAt: number, title: string | undefined): SharedLink {
  return { link, shareId: parsed.shareId, role: parsed.claims.role, relayUrl: parsed.relayUrl, expiresAt: parsed.claims.exp * 1000, openedAt, title };
}
