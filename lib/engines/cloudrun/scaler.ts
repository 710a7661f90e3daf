import { resourceLoad } from "../declared.js";
import { MetricWindow } from "../metric-window.js";
import type { EffectiveScaling, EngineScaler, LoadSample, ScaleDecision } from "../types.js";
import { CLOUDRUN_DEFAULTS as D } from "./defaults.js";

/**
 * Cloud Run's autoscaling as a state machine, one sample a second, a decision every
 * decisionIntervalSeconds (CLOUDRUN_DEFAULTS):
 * - a request reaching a service at zero starts an instance at once (the request waits in the
 *   pending queue);
 * - desired = ceil(one-minute average of concurrency / target) (or of summed CPU / 60%), within
 *   [max(min, 1), max] while requests are recent, up at once and down to the average;
 * - zero only when min is 0 and no request has ended within the idle retention (900 s): the last
 *   instance is kept idle until then.
 */
export class CloudRunScaler implements EngineScaler {
  private t = 0;
  private desired: number;
  /** When the function was last busy; deploy time counts (a new revision's instance is kept as idle). */
  private lastBusy: number;
  private readonly window = new MetricWindow(D.stableWindowSeconds);

  constructor(
    readonly effective: EffectiveScaling,
    now = 0,
  ) {
    this.desired = effective.initialInstances;
    this.lastBusy = now;
  }

  get initialInstances(): number {
    return this.effective.initialInstances;
  }

  activated(now: number): boolean {
    if (this.desired === 0) this.desired = Math.max(1, this.effective.minInstances);
    this.lastBusy = Math.max(this.lastBusy, now);
    return true;
  }

  private observed(s: LoadSample, ready: number): number {
    const e = this.effective;
    return e.metric.type === "cpu" || e.metric.type === "memory" ? resourceLoad(s, e.metric.type, ready) : s.concurrency;
  }

  observe(sample: LoadSample, ready: number): ScaleDecision | null {
    const e = this.effective;
    const t = ++this.t;
    this.window.record(t, this.observed(sample, ready));
    if (sample.inflight > 0 || sample.arrivals > 0) this.lastBusy = sample.now;
    else if (sample.lastRequestEndedAt !== null) this.lastBusy = Math.max(this.lastBusy, sample.lastRequestEndedAt);
    if (t % e.decisionIntervalSeconds !== 0) return null;
    const avg = this.window.average(t, D.stableWindowSeconds);
    const wanted = Math.ceil(avg / e.metric.target - 1e-9);
    const idleFor = sample.now - this.lastBusy;
    const retained = e.timeToZeroSeconds === null || idleFor < e.timeToZeroSeconds;
    const floor = retained ? Math.max(1, e.minInstances) : e.minInstances;
    const next = Math.min(e.maxInstances, Math.max(floor, wanted));
    const reason =
      next === this.desired
        ? `steady at ${next}`
        : next === 0
          ? `idle for ${Math.floor(idleFor)}s (retention ${e.timeToZeroSeconds}s): to zero`
          : `${avg.toFixed(2)} / ${+e.metric.target.toFixed(2)} per instance (one-minute average) -> ${next}`;
    this.desired = next;
    return { at: sample.now, function: e.function, desired: next, ready, observed: avg, panicking: false, reason };
  }
}
