// A cap on how many Claude Code processes the host runs at once, across all its shares (each one
// holds ~200 MB). A runner takes a slot before it starts a process and gives it back when the
// process exits. When every slot is taken, an idle warm process of another session is let go to
// make room; if all are busy, the runner waits and says why.

export const DEFAULT_MAX_PROCESSES = 4;

/** A process holding a slot: whether it is idle, its session, and how to end it to free the slot. */
export type PoolMember = { isIdle(): boolean; sessionId(): string | undefined; evict(): Promise<void> };

export type PoolSlot = { release(): void };

export class ProcessPool {
  private readonly members = new Map<PoolSlot, PoolMember>();
  private waiters: (() => void)[] = [];

  constructor(readonly max = DEFAULT_MAX_PROCESSES) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`the cap on Claude Code processes must be a whole number ≥ 1, not ${max}`);
  }

  get inUse(): number {
    return this.members.size;
  }

  /** Takes a slot for `member`; `onWait` hears why it waits (once per reason). */
  async acquire(member: PoolMember, opts: { signal?: AbortSignal; onWait?: (reason: string) => void } = {}): Promise<PoolSlot> {
    for (let told = false; ; ) {
      opts.signal?.throwIfAborted();
      if (this.members.size < this.max) return this.add(member);
      const idle = [...this.members.values()].find((m) => m.isIdle());
      if (idle) {
        await idle.evict();
        continue;
      }
      if (!told) opts.onWait?.(`all ${this.max} Claude Code processes the host allows are busy with other prompts; this one starts when one is free`);
      told = true;
      await this.freed(opts.signal);
    }
  }

  /** Another runner of this host wants `sessionId`: idle processes on it are let go (busy ones finish first). */
  async evictIdle(sessionId: string, except: PoolMember): Promise<void> {
    const idle = [...this.members.values()].filter((m) => m !== except && m.isIdle() && m.sessionId() === sessionId);
    await Promise.all(idle.map((m) => m.evict()));
  }

  /** A member went idle: a runner waiting for a slot may now let it go. */
  idleNow(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private add(member: PoolMember): PoolSlot {
    const slot: PoolSlot = {
      release: () => {
        if (this.members.delete(slot)) this.idleNow();
      },
    };
    this.members.set(slot, member);
    return slot;
  }

  private freed(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal?.reason);
      this.waiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
