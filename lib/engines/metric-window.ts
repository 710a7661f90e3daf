/**
 * Per-second buckets of an observed metric (average concurrency, or a queue backlog), averaged over
 * a stable and a panic window as Knative's metric collector does: the average of the window's
 * 1-second buckets, over fewer buckets while the data is younger than the window.
 */
export class MetricWindow {
  private readonly values: number[];
  private first: number | undefined;
  private last: number | undefined;

  constructor(private readonly capacitySeconds: number) {
    this.values = new Array<number>(capacitySeconds).fill(0);
  }

  /** Record the value of whole second `second` (seconds since any fixed origin, increasing). */
  record(second: number, value: number): void {
    if (this.last !== undefined) {
      for (let s = this.last + 1; s < second; s++) this.values[s % this.capacitySeconds] = 0; // gaps were idle seconds
    }
    this.first ??= second;
    this.values[second % this.capacitySeconds] = value;
    this.last = second;
  }

  /** Average over the last `windowSeconds` seconds up to `second`. */
  average(second: number, windowSeconds: number): number {
    if (this.first === undefined || this.last === undefined) return 0;
    const w = Math.min(windowSeconds, this.capacitySeconds);
    const from = Math.max(second - w + 1, this.first);
    let sum = 0;
    for (let s = from; s <= Math.min(second, this.last); s++) sum += this.values[s % this.capacitySeconds] as number;
    const buckets = second - from + 1;
    return buckets > 0 ? sum / buckets : 0;
  }
}

/** Time-weighted level (e.g. in-flight requests): integrates the level between changes. */
export class LevelIntegrator {
  private level = 0;
  private since: number;
  private area = 0;
  private windowStart: number;

  constructor(now: number) {
    this.since = now;
    this.windowStart = now;
  }

  get current(): number {
    return this.level;
  }

  /** Change the level by `delta` at time `now` (ms). */
  add(delta: number, now: number): void {
    this.area += this.level * (now - this.since);
    this.since = now;
    this.level += delta;
  }

  /** Average level since the last call (ms clock), and start a new period. */
  takeAverage(now: number): number {
    this.area += this.level * (now - this.since);
    this.since = now;
    const span = now - this.windowStart;
    const avg = span > 0 ? this.area / span : this.level;
    this.area = 0;
    this.windowStart = now;
    return avg;
  }
}
