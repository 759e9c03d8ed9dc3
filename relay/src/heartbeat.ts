// The relay's heartbeat: every connection is pinged once per period, and one that did not answer the
// previous ping (a laptop lid closed, a NAT that forgot the flow) is dropped. The period is walked
// in slices, each pinging its share of the connections, so a relay with thousands of sockets never
// writes thousands of pings (and reads thousands of pongs) in one turn of its event loop: that burst
// was a stall of tens of milliseconds for every live update behind it, once per period.

export interface Beating {
  /** set when the connection answers a ping */
  alive: boolean;
  /** clears `alive` and sends a ping */
  ping(): void;
  terminate(): void;
}

export class Heartbeat<C extends Beating> {
  private cycle: C[] = [];
  private next = 0;
  private slice = 0;
  private readonly pingedAt = new WeakMap<C, number>();

  constructor(
    private readonly connections: ReadonlySet<C>,
    /** slices per period: `tick` is called this many times a period */
    private readonly slices: number,
    /** the period: a connection always has at least half of it to answer a ping */
    private readonly periodMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** One slice: pings (or drops) the next share of the connections taken at the start of the period. */
  tick(): void {
    if (this.slice === 0) {
      this.cycle = [...this.connections];
      this.next = 0;
    }
    this.slice = (this.slice + 1) % this.slices;
    const end = this.slice === 0 ? this.cycle.length : Math.ceil((this.slice * this.cycle.length) / this.slices);
    const now = this.now();
    for (; this.next < end; this.next++) {
      const c = this.cycle[this.next];
      if (!this.connections.has(c)) continue;
      if (c.alive) {
        c.ping();
        this.pingedAt.set(c, now);
      } else if (now - (this.pingedAt.get(c) ?? -Infinity) >= this.periodMs / 2) c.terminate();
    }
    if (this.slice === 0) this.cycle = [];
  }
}
