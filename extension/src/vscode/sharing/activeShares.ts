import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';

/** A session this window is sharing: its id on the relay and the links it handed out. */
export type ActiveShare = {
  sessionId: string;
  shareId: string;
  title: string;
  links: { observer: string; prompter: string; handoff: string };
  /** how many viewers are connected (presence), as last reported */
  viewers: number;
  /** the prompt `claude` is running for this share, if any */
  runningPrompt?: { promptId: string; author?: string };
  /** ends the share: stops publishing and revokes its links */
  stop(): Promise<void>;
};

/** The sessions this window shares right now, by session id: marks the Sessions tree, feeds the status bar. */
export class ActiveShares extends Disposable {
  private readonly shares = new Map<string, ActiveShare>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  get all(): readonly ActiveShare[] {
    return [...this.shares.values()];
  }

  get(sessionId: string): ActiveShare | undefined {
    return this.shares.get(sessionId);
  }

  isShared(sessionId: string): boolean {
    return this.shares.has(sessionId);
  }

  add(share: ActiveShare): void {
    this.shares.set(share.sessionId, share);
    this.changed.fire();
  }

  /** Records what changed about a share (viewer count, running prompt) and tells the listeners. */
  update(sessionId: string, patch: Partial<Pick<ActiveShare, 'viewers' | 'runningPrompt' | 'title'>>): void {
    const share = this.shares.get(sessionId);
    if (!share) return;
    Object.assign(share, patch);
    this.changed.fire();
  }

  delete(sessionId: string): void {
    if (this.shares.delete(sessionId)) this.changed.fire();
  }
}
