// The disposable base every long-lived part of the extension builds on: whatever a part subscribes to or
// starts (listeners, views, watchers, sockets, child processes) is registered with its owner and released
// exactly once, newest first, when the owner is disposed.

export type DisposableLike = { dispose(): unknown };

export class DisposableStore implements DisposableLike {
  private readonly items: DisposableLike[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Takes ownership of `item`; an item added after disposal is disposed at once (nothing leaks). */
  add<T extends DisposableLike>(item: T): T {
    if (this.disposed) void item.dispose();
    else this.items.push(item);
    return item;
  }

  /** Disposes every item even when one throws, then rethrows the first error. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    let first: unknown;
    for (const item of this.items.splice(0).reverse()) {
      try {
        void item.dispose();
      } catch (e) {
        first ??= e;
      }
    }
    if (first !== undefined) throw first;
  }
}

/** Base class for parts that own disposables: `this.register(x)` ties `x`'s lifetime to the part. */
export abstract class Disposable implements DisposableLike {
  private readonly store = new DisposableStore();

  protected get isDisposed(): boolean {
    return this.store.isDisposed;
  }

  protected register<T extends DisposableLike>(item: T): T {
    return this.store.add(item);
  }

  dispose(): void {
    this.store.dispose();
  }
}

export function toDisposable(fn: () => void): DisposableLike {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      fn();
    },
  };
}
