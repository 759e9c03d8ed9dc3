// Admission limits: token buckets for upgrades per second per client address, and counters of open
// connections per client address and per token id, so one client or one leaked link cannot take
// every slot, and a stranger flooding from one address cannot spend anyone else's budget.

export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** true once the bucket has refilled completely (its owner has been quiet for a while) */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  /** ms until one token is available */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
}

/** Counts holders per key; `acquire` fails at the limit. */
export class SlotCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  acquire(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= this.limit) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = (this.counts.get(key) ?? 0) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }
}

/** Buckets past this many addresses are pruned (quiet ones dropped) before a new one is made. */
const MAX_TRACKED_ADDRESSES = 10_000;

/** One token bucket per client address (an IPv6 client per /64, which one host usually owns). */
export class AddressBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  take(ip: string): boolean {
    return this.bucket(ip).take();
  }

  waitMs(ip: string): number {
    return this.bucket(ip).waitMs();
  }

  private bucket(ip: string): TokenBucket {
    const key = addressKey(ip);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= MAX_TRACKED_ADDRESSES) this.prune();
      this.buckets.set(key, (bucket = new TokenBucket(this.perSecond, this.burst)));
    }
    return bucket;
  }

  private prune(): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
    if (this.buckets.size >= MAX_TRACKED_ADDRESSES) this.buckets.clear();
  }
}

/** The part of a client address budgets are counted by: IPv4 as is, IPv6 by its /64 prefix. */
export function addressKey(ip: string): string {
  if (ip.startsWith('::ffff:') && ip.includes('.')) return ip.slice(7);
  if (!ip.includes(':')) return ip;
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
