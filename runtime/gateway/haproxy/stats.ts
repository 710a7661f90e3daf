import type { StatRow } from "./runtime-api.js";

/**
 * The load HAProxy carries, for the engine model: `show stat` sampled every period and integrated
 * per backend. The carried count is the regular servers' `scur` plus the backend's `qcur` (the
 * backup server is left out: its requests are the activator's, which the pool counts itself).
 */

/** What HAProxy carried for one backend since the last take. */
export interface BackendLoad {
  /** Time-weighted mean of the carried count over the window. */
  readonly concurrency: number;
  /** Requests the regular servers took (delta of their `stot`). */
  readonly arrivals: number;
  /** The carried count at the latest sample. */
  readonly inflight: number;
  /** When the carried count last became 0 (the sampler's clock, ms); undefined when never or busy now. */
  readonly idleSinceMs: number | undefined;
}

/** The sampler's clock and timer (injected: tests drive them). */
export interface SamplerClock {
  now(): number;
  /** Call `fn` every `ms`; returns the cancel function. */
  every(fn: () => void, ms: number): () => void;
}

/** Options of a {@link LoadSampler}. */
export interface LoadSamplerOptions {
  /** Reads `show stat` (backends and servers). */
  readonly read: () => Promise<readonly StatRow[]>;
  readonly clock: SamplerClock;
  /** @default 100 */
  readonly periodMs?: number;
  /** The server left out of the carried count. @default "activator" */
  readonly exclude?: string;
  /** Told when a read fails (the sample is skipped). */
  readonly onError?: (e: Error) => void;
}

interface Window {
  start: number;
  area: number;
  lastAt: number;
  carried: number;
  arrivals: number;
  idleSince: number | undefined;
  stot: Map<string, number>;
  scur: Map<string, number>;
  qcur: number;
  sampledAt: number;
}

/** Samples HAProxy's stats and integrates the carried load per backend. */
export class LoadSampler {
  private readonly windows = new Map<string, Window>();
  private cancel: (() => void) | undefined;
  private reading = false;
  private readonly exclude: string;

  constructor(private readonly o: LoadSamplerOptions) {
    this.exclude = o.exclude ?? "activator";
  }

  /** Start polling (idempotent). */
  start(): void {
    if (this.cancel) return;
    this.cancel = this.o.clock.every(() => void this.poll(), this.o.periodMs ?? 100);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** Read and observe one sample now (skipped while a read is under way). */
  async poll(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      this.observe(await this.o.read(), this.o.clock.now());
    } catch (e) {
      this.o.onError?.(e as Error);
    } finally {
      this.reading = false;
    }
  }

  /**
   * Take one sample taken at `at`: the carried count between the previous sample and this one is
   * the previous one's (a step function); a server's `stot` below its previous value (a reload
   * started a new worker) counts from 0.
   */
  observe(rows: readonly StatRow[], at: number): void {
    const seen = new Map<string, { carried: number; qcur: number; scur: Map<string, number>; stot: Map<string, number> }>();
    const of = (px: string) => {
      let s = seen.get(px);
      if (!s) seen.set(px, (s = { carried: 0, qcur: 0, scur: new Map(), stot: new Map() }));
      return s;
    };
    for (const r of rows) {
      if (r.type === 1) {
        const s = of(r.pxname);
        s.carried += r.qcur;
        s.qcur = r.qcur;
      }
      else if (r.type === 2 && r.svname !== this.exclude) {
        const s = of(r.pxname);
        s.carried += r.scur;
        s.scur.set(r.svname, r.scur);
        s.stot.set(r.svname, r.stot);
      }
    }
    for (const [px, s] of seen) {
      let w = this.windows.get(px);
      if (!w) {
        // The first sample: a baseline (its stot is history, not arrivals).
        this.windows.set(px, { start: at, area: 0, lastAt: at, carried: s.carried, arrivals: 0, idleSince: undefined, stot: s.stot, scur: s.scur, qcur: s.qcur, sampledAt: at });
        continue;
      }
      w.area += w.carried * Math.max(0, at - w.lastAt);
      let arrivals = 0;
      for (const [sv, n] of s.stot) {
        const before = w.stot.get(sv) ?? 0;
        arrivals += n >= before ? n - before : n;
      }
      w.arrivals += arrivals;
      if (s.carried === 0 && (w.carried > 0 || arrivals > 0)) w.idleSince = at;
      if (s.carried > 0) w.idleSince = undefined;
      w.carried = s.carried;
      w.lastAt = at;
      w.stot = s.stot;
      w.scur = s.scur;
      w.qcur = s.qcur;
      w.sampledAt = at;
    }
  }

  /** The load of `backend` since the last take (or the first sample), then reset. */
  take(backend: string): BackendLoad {
    const w = this.windows.get(backend);
    if (!w) return { concurrency: 0, arrivals: 0, inflight: 0, idleSinceMs: undefined };
    const now = Math.max(this.o.clock.now(), w.lastAt);
    const area = w.area + w.carried * (now - w.lastAt);
    const span = now - w.start;
    const load: BackendLoad = { concurrency: span > 0 ? area / span : w.carried, arrivals: w.arrivals, inflight: w.carried, idleSinceMs: w.carried > 0 ? undefined : w.idleSince };
    w.start = now;
    w.lastAt = now;
    w.area = 0;
    w.arrivals = 0;
    return load;
  }

  /** The latest sample of `backend`: each regular server's `scur`, the backend's `qcur`, and when it was taken (undefined: none yet). */
  latest(backend: string): { readonly scur: ReadonlyMap<string, number>; readonly qcur: number; readonly at: number | undefined } {
    const w = this.windows.get(backend);
    return w ? { scur: w.scur, qcur: w.qcur, at: w.sampledAt } : { scur: new Map(), qcur: 0, at: undefined };
  }
}
