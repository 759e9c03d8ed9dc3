import { monitorEventLoopDelay } from 'node:perf_hooks';

// Prometheus text exposition for the relay's own numbers; a few dozen lines instead of a client library.

type Labels = Record<string, string | number>;

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? '' : `{${keys.map((k) => `${k}="${String(labels[k]).replace(/["\\\n]/g, '_')}"`).join(',')}}`;
}

export abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}
  abstract lines(): string[];
  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`, ...this.lines()].join('\n');
  }
}

export class Counter extends Metric {
  private readonly values = new Map<string, { n: number }>();
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }
  inc(labels: Labels = {}, by = 1): void {
    this.cell(labelKey(labels)).n += by;
  }
  /** A handle for one label set, for hot paths (no key building or lookup per increment). */
  bind(labels: Labels): { inc(by?: number): void } {
    const cell = this.cell(labelKey(labels));
    return { inc: (by = 1) => void (cell.n += by) };
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.n ?? 0;
  }
  lines(): string[] {
    return [...this.values].map(([k, c]) => `${this.name}${k} ${c.n}`);
  }
  private cell(key: string): { n: number } {
    let cell = this.values.get(key);
    if (!cell) this.values.set(key, (cell = { n: 0 }));
    return cell;
  }
}

/** A gauge read when scraped. */
export class Gauge extends Metric {
  constructor(
    name: string,
    help: string,
    private readonly read: () => Array<[Labels, number]>,
  ) {
    super(name, help, 'gauge');
  }
  lines(): string[] {
    return this.read().map(([labels, v]) => `${this.name}${labelKey(labels)} ${v}`);
  }
}

export class Histogram extends Metric {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    name: string,
    help: string,
    private readonly buckets: number[],
  ) {
    super(name, help, 'histogram');
    this.counts = buckets.map(() => 0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) this.counts[i]++;
  }
  lines(): string[] {
    return [
      ...this.buckets.map((b, i) => `${this.name}_bucket{le="${b}"} ${this.counts[i]}`),
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.count}`,
    ];
  }
}

export type RelayGauges = {
  connections: () => Array<[Labels, number]>;
  rooms: () => number;
  lagging: () => number;
};

/** Every metric the relay exports. One instance per relay; components get it through their constructor. */
export class RelayMetrics {
  readonly messages = new Counter('tandem_relay_messages_total', 'websocket messages by direction and type');
  readonly bytes = new Counter('tandem_relay_bytes_total', 'websocket payload bytes by direction and type');
  readonly authDenials = new Counter('tandem_relay_auth_denials_total', 'upgrades refused, by reason');
  readonly writeDenials = new Counter('tandem_relay_write_denials_total', 'updates dropped because the role may not write the room');
  readonly queueRefusals = new Counter('tandem_relay_queue_refusals_total', 'queue-room updates refused whole by the queue rules (socket kept open), by rule');
  readonly awarenessDropped = new Counter('tandem_relay_awareness_dropped_total', 'awareness entries dropped (foreign client id, too big, malformed)');
  readonly awarenessDeferred = new Counter('tandem_relay_awareness_deferred_total', 'awareness messages held back by the rate limit');
  readonly closes = new Counter('tandem_relay_closes_total', 'connections closed, by close code');
  readonly storageErrors = new Counter('tandem_relay_storage_errors_total', 'storage operations that failed');
  readonly corruptLogs = new Counter('tandem_relay_corrupt_logs_total', 'room logs found damaged on load (a copy kept, intact records recovered)');
  readonly compactions = new Counter('tandem_relay_compactions_total', 'room logs compacted');
  readonly stalledCloses = new Counter('tandem_relay_stalled_closes_total', 'sockets closed with 1013 because they stopped reading');
  readonly coalescedReplies = new Counter('tandem_relay_coalesced_replies_total', 'replies merged into one already owed, or small messages dropped while a send buffer was full, by kind');
  readonly pendingRefusals = new Counter('tandem_relay_pending_socket_refusals_total', 'sockets cut because their address held too many that had not sent their request headers');
  readonly hostRefusals = new Counter('tandem_relay_host_refusals_total', 'http requests refused because their Host is not a name of this relay (DNS rebinding)');
  readonly quotaRefusals = new Counter('tandem_relay_quota_refusals_total', 'writes refused (writer closed with 4413) because the room reached its byte quota, by room kind');
  readonly writesBehind = new Counter('tandem_relay_writes_behind_total', 'transcript writes that build on content the room lacks (a gap): dropped, the writer asked for what is missing');
  readonly lagEvents = new Counter('tandem_relay_lag_events_total', 'times a socket went over its send buffer high-water mark');
  readonly syncDuration = new Histogram('tandem_relay_sync_duration_seconds', 'from a client sync request to the last sync frame handed to the socket', [
    0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
  ]);
  private readonly trafficCounters = new Map<string, { count(bytes: number): void }>();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 20 });
  private readonly all: Metric[];

  constructor(gauges: RelayGauges) {
    this.loopDelay.enable();
    const mem = () => process.memoryUsage();
    this.all = [
      new Gauge('tandem_relay_connections', 'open websocket connections by room kind and role', gauges.connections),
      new Gauge('tandem_relay_rooms', 'rooms loaded in memory', () => [[{}, gauges.rooms()]]),
      new Gauge('tandem_relay_lagging_sockets', 'sockets over their send buffer high-water mark', () => [[{}, gauges.lagging()]]),
      this.messages,
      this.bytes,
      this.authDenials,
      this.writeDenials,
      this.queueRefusals,
      this.awarenessDropped,
      this.awarenessDeferred,
      this.closes,
      this.storageErrors,
      this.compactions,
      this.corruptLogs,
      this.lagEvents,
      this.writesBehind,
      this.coalescedReplies,
      this.pendingRefusals,
      this.hostRefusals,
      this.quotaRefusals,
      this.stalledCloses,
      this.syncDuration,
      new Gauge('tandem_relay_event_loop_delay_seconds', 'event loop delay since the last scrape', () => {
        const out: Array<[Labels, number]> = [0.5, 0.99, 1].map((q) => [{ quantile: q }, this.loopDelay.percentile(q * 100) / 1e9]);
        this.loopDelay.reset();
        return out;
      }),
      new Gauge('tandem_relay_memory_bytes', 'process memory', () => {
        const m = mem();
        return [
          [{ kind: 'rss' }, m.rss],
          [{ kind: 'heapUsed' }, m.heapUsed],
          [{ kind: 'heapTotal' }, m.heapTotal],
          [{ kind: 'external' }, m.external],
          [{ kind: 'arrayBuffers' }, m.arrayBuffers],
        ];
      }),
    ];
  }

  /** Adds metrics a component owns (a storage backend's). */
  register(...metrics: Metric[]): void {
    this.all.push(...metrics);
  }

  /** Message and byte counters for one direction and type, resolved once (this is the hot path). */
  traffic(direction: 'in' | 'out', type: string): { count(bytes: number): void } {
    const key = `${direction}|${type}`;
    let counter = this.trafficCounters.get(key);
    if (!counter) {
      const messages = this.messages.bind({ direction, type });
      const bytes = this.bytes.bind({ direction, type });
      counter = { count: (n) => (messages.inc(), bytes.inc(n)) };
      this.trafficCounters.set(key, counter);
    }
    return counter;
  }

  render(): string {
    return `${this.all.map((m) => m.render()).join('\n')}\n`;
  }

  dispose(): void {
    this.loopDelay.disable();
  }
}
