import { EventEmitter } from "node:events";

/** What the console and the terminal view show per function, from {@link LiveStats.snapshot}. */
export interface FunctionLiveStats {
  readonly fn: string;
  /** Requests answered since the start (every status). */
  readonly requests: number;
  /** Requests per second over the last {@link RPS_WINDOW_MS} (10 s). */
  readonly rps: number;
  /** Server errors (status >= 500) since the start, by status code ("500", "502", "503", "504"). */
  readonly errors: Readonly<Record<string, number>>;
  /** Latency percentiles, ms, over the requests of the last 60 s (at most the last 2000); null without any. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Instance starts that a request or event waited for, since the start, and how long the last one took (ms). */
  readonly coldStarts: number;
  readonly lastColdStartMs: number | null;
  /** The integral of the function's instances (ready + starting + draining) over time since the start, seconds. */
  readonly instanceSeconds: number;
}

/** One answered request (or event delivery) as the request log keeps it. */
export interface RequestRecord {
  /** When it was answered, ms since the epoch. */
  readonly at: number;
  readonly fn: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Time from arrival to the answer, ms. */
  readonly ms: number;
  /** Whether it waited for an instance to start. */
  readonly coldStart: boolean;
}

/** One line a function printed. */
export interface LogRecord {
  /** ms since the epoch. */
  readonly at: number;
  readonly fn: string;
  readonly stream: "stdout" | "stderr";
  /** The line's level ("info", "error", ... as dev parsed it). */
  readonly level: string;
  readonly line: string;
}

/** The instances of a function at one moment (once a second), for the console's chart. */
export interface InstanceSample {
  /** ms since the epoch. */
  readonly at: number;
  readonly ready: number;
  readonly starting: number;
  readonly draining: number;
  readonly inflight: number;
  readonly buffered: number;
  /** Requests per second at that moment (over the last 10 s). */
  readonly rps: number;
}

/** The request-rate window, ms. */
export const RPS_WINDOW_MS = 10_000;
/** The latency window, ms, and the most latencies kept per function. */
export const LATENCY_WINDOW_MS = 60_000;
export const LATENCY_MAX = 2000;
/** Entries kept by each ring buffer (requests, logs) and samples kept per function (10 minutes at 1/s). */
export const RING_SIZE = 1000;
export const SAMPLES_MAX = 600;

/** A fixed-size ring: push overwrites the oldest; `last(n)` is oldest-first. */
export class Ring<T> {
  private readonly items: T[] = [];
  private next = 0;
  constructor(readonly size: number) {}
  push(item: T): void {
    if (this.items.length < this.size) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.size;
  }
  get length(): number {
    return this.items.length;
  }
  /** Every item, oldest first. */
  all(): T[] {
    return this.items.length < this.size ? [...this.items] : [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }
  /** The newest `n` items, oldest first. */
  last(n: number): T[] {
    const all = this.all();
    return n >= all.length ? all : all.slice(all.length - n);
  }
}

/** The value at quantile q (0..1) of sorted values, nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

interface Fn {
  requests: number;
  readonly errors: Record<string, number>;
  /** Requests answered per whole second (key: epoch second), the last 10 seconds. */
  readonly perSecond: Map<number, number>;
  readonly latencies: Ring<{ at: number; ms: number }>;
  coldStarts: number;
  lastColdStartMs: number | null;
  instanceMs: number;
  /** The instance count last reported and when (ms since the epoch). */
  count: number;
  countAt: number | null;
  readonly samples: Ring<InstanceSample>;
}

/**
 * What the gateway measured since it started, per function, in the form the web console and the
 * terminal view show: requests, rate, errors by status, latency percentiles, cold starts,
 * instance-seconds; plus the recent requests and log lines (ring buffers of {@link RING_SIZE}).
 * Fed by the gateway (requests, cold starts, instances once a second) and by `zeroscale dev` (log
 * lines). Emits "request" (RequestRecord) and "log" (LogRecord) for the admin SSE stream.
 * The clock (ms since the epoch) is injected for tests.
 */
export class LiveStats extends EventEmitter {
  private readonly fns = new Map<string, Fn>();
  private readonly requestsRing = new Ring<RequestRecord>(RING_SIZE);
  private readonly logsRing = new Ring<LogRecord>(RING_SIZE);
  /** When the stats started, ms since the epoch. */
  readonly startedAt: number;

  constructor(private readonly clock: () => number = Date.now) {
    super();
    this.setMaxListeners(0); // one "request" and one "log" listener per open console tab (SSE) and the live view
    this.startedAt = clock();
  }

  /** Seconds since the stats started. */
  elapsedSeconds(): number {
    return Math.max(0, (this.clock() - this.startedAt) / 1000);
  }

  /** Make `fn` known (so it appears in snapshots before its first request). */
  declare(fn: string): void {
    this.fnOf(fn);
  }

  private fnOf(fn: string): Fn {
    let f = this.fns.get(fn);
    if (!f) {
      f = { requests: 0, errors: {}, perSecond: new Map(), latencies: new Ring(LATENCY_MAX), coldStarts: 0, lastColdStartMs: null, instanceMs: 0, count: 0, countAt: null, samples: new Ring(SAMPLES_MAX) };
      this.fns.set(fn, f);
    }
    return f;
  }

  /** One answered request or event delivery. */
  request(r: RequestRecord): void {
    const f = this.fnOf(r.fn);
    f.requests++;
    if (r.status >= 500) f.errors[String(r.status)] = (f.errors[String(r.status)] ?? 0) + 1;
    const second = Math.floor(r.at / 1000);
    f.perSecond.set(second, (f.perSecond.get(second) ?? 0) + 1);
    for (const s of f.perSecond.keys()) if (s <= second - RPS_WINDOW_MS / 1000) f.perSecond.delete(s);
    f.latencies.push({ at: r.at, ms: r.ms });
    this.requestsRing.push(r);
    this.emit("request", r);
  }

  /** An instance start that work waited for, and how long it took (ms). */
  coldStart(fn: string, ms: number): void {
    const f = this.fnOf(fn);
    f.coldStarts++;
    f.lastColdStartMs = ms;
  }

  /**
   * The function's instance count now (ready + starting + draining), called once a second; the
   * count holds until the next call (a step function), so instance-seconds is exact for the
   * reported counts. `sample` adds the breakdown the console charts.
   */
  instances(fn: string, count: number, sample?: Partial<Omit<InstanceSample, "at" | "rps">>): void {
    const f = this.fnOf(fn);
    const now = this.clock();
    if (f.countAt !== null) f.instanceMs += f.count * Math.max(0, now - f.countAt);
    f.count = count;
    f.countAt = now;
    f.samples.push({ at: now, ready: sample?.ready ?? count, starting: sample?.starting ?? 0, draining: sample?.draining ?? 0, inflight: sample?.inflight ?? 0, buffered: sample?.buffered ?? 0, rps: this.rpsOf(f, now) });
  }

  /** A line a function printed. */
  log(r: LogRecord): void {
    this.logsRing.push(r);
    this.emit("log", r);
  }

  private rpsOf(f: Fn, now: number): number {
    // Whole seconds strictly inside the window ending now (the current, partial second included).
    const current = Math.floor(now / 1000);
    const first = current - RPS_WINDOW_MS / 1000 + 1;
    let n = 0;
    for (const [s, c] of f.perSecond) if (s >= first && s <= current) n += c;
    return n / (RPS_WINDOW_MS / 1000);
  }

  /** Every known function's stats now, sorted by function id. */
  snapshot(): FunctionLiveStats[] {
    const now = this.clock();
    return [...this.fns.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([fn, f]) => {
        const recent = f.latencies
          .all()
          .filter((l) => l.at > now - LATENCY_WINDOW_MS)
          .map((l) => l.ms)
          .sort((a, b) => a - b);
        const openMs = f.countAt === null ? 0 : f.count * Math.max(0, now - f.countAt);
        return {
          fn,
          requests: f.requests,
          rps: this.rpsOf(f, now),
          errors: { ...f.errors },
          p50Ms: quantile(recent, 0.5),
          p99Ms: quantile(recent, 0.99),
          coldStarts: f.coldStarts,
          lastColdStartMs: f.lastColdStartMs,
          instanceSeconds: (f.instanceMs + openMs) / 1000,
        };
      });
  }

  /** The instance samples of `fn`, oldest first (at most {@link SAMPLES_MAX}). */
  samples(fn: string): InstanceSample[] {
    return this.fns.get(fn)?.samples.all() ?? [];
  }

  /** The newest requests, oldest first. @default limit 1000 */
  recentRequests(limit = RING_SIZE): RequestRecord[] {
    return this.requestsRing.last(Math.max(0, limit));
  }

  /** The newest log lines, oldest first. @default limit 1000 */
  recentLogs(limit = RING_SIZE): LogRecord[] {
    return this.logsRing.last(Math.max(0, limit));
  }
}
