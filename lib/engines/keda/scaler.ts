import { resourceLoad } from "../declared.js";
import { MetricWindow } from "../metric-window.js";
import type { EffectiveScaling, EngineScaler, LoadSample, ScaleDecision } from "../types.js";
import { KEDA_DEFAULTS } from "./defaults.js";

/** KEDA's knobs that live on the backend, not in the graph. */
export interface KedaScalerSettings {
  /** ScaledObject pollingInterval, seconds. @default 30 */
  readonly pollingIntervalSeconds?: number;
  /** HPA sync period, seconds. @default 15 */
  readonly hpaSyncPeriodSeconds?: number;
}

/**
 * KEDA's scaling as a state machine (shared/autoscaler README), one step a second:
 * - activation 0 <-> 1 by the operator every pollingInterval: active when the metric is above the
 *   activation threshold (0); at 0 replicas and active, scale to max(minReplicaCount, 1); inactive for
 *   cooldownPeriod since the last active poll (and min 0), scale to 0;
 * - 1 <-> N by the HPA every sync period: desired = ceil(metric / target) within [max(min, 1), max]; up
 *   at once, down only to the highest desired of the stabilization window (the effective scale-down delay).
 */
export class KedaScaler implements EngineScaler {
  private t = 0;
  private replicas: number;
  private lastActive = 0;
  private readonly recent: { t: number; desired: number }[] = [];
  private readonly polling: number;
  private readonly sync: number;
  private readonly window: MetricWindow;

  constructor(
    readonly effective: EffectiveScaling,
    settings: KedaScalerSettings = {},
    /** Through the HTTP add-on: its interceptor holds the first request and activates at once (a push scaler); a ScaledObject waits for its next poll. */
    private readonly pushActivation = false,
  ) {
    this.polling = settings.pollingIntervalSeconds ?? KEDA_DEFAULTS.pollingIntervalSeconds;
    this.sync = settings.hpaSyncPeriodSeconds ?? KEDA_DEFAULTS.hpaSyncPeriodSeconds;
    this.replicas = effective.initialInstances;
    this.window = new MetricWindow(Math.max(effective.stableWindowSeconds, 6));
  }

  get initialInstances(): number {
    return this.effective.initialInstances;
  }

  activated(now: number): boolean {
    // The HTTP add-on's interceptor holds the request and its push scaler reports activity at once;
    // a ScaledObject (queue, cpu) has no activator: it wakes on the next poll.
    if (!this.pushActivation) return false;
    if (this.replicas === 0) this.replicas = Math.max(this.effective.minInstances, 1);
    this.lastActive = Math.max(this.lastActive, Math.floor(now));
    return true;
  }

  /** The metric KEDA's scaler reports for this second. */
  private metric(s: LoadSample, ready: number): number {
    const e = this.effective;
    switch (e.metric.type) {
      case "concurrency":
        return s.inflight; // the interceptor's pending + in-flight requests
      case "rps":
        this.window.record(this.t, s.arrivals);
        return this.window.average(this.t, e.stableWindowSeconds); // requestRate over its window
      case "queueLength":
        return s.backlog;
      case "cpu":
      case "memory":
        return resourceLoad(s, e.metric.type, ready);
    }
  }

  observe(sample: LoadSample, ready: number): ScaleDecision | null {
    const e = this.effective;
    // One sample a second: polls and HPA syncs fall on every pollingInterval-th / syncPeriod-th sample
    // (a counter, so timer drift in the gateway never skips one).
    const t = ++this.t;
    const metric = this.metric(sample, ready);
    const active = metric > 0;
    const before = this.replicas;
    let reason = "";
    if (t % this.polling === 0) {
      if (active) this.lastActive = t;
      if (active && this.replicas === 0) {
        this.replicas = Math.max(e.minInstances, 1);
        reason = "activated: metric above the activation threshold";
      } else if (!active && this.replicas > 0 && e.timeToZeroSeconds !== null && t - this.lastActive >= e.timeToZeroSeconds) {
        this.replicas = 0;
        this.recent.length = 0;
        reason = `inactive for cooldownPeriod (${e.timeToZeroSeconds}s): to zero`;
      }
    }
    if (t % this.sync === 0 && this.replicas > 0) {
      const desired = Math.min(e.maxInstances, Math.max(e.minInstances, 1, Math.ceil(metric / e.metric.target)));
      this.recent.push({ t, desired });
      const window = e.scaleDownDelaySeconds;
      while (this.recent.length > 0 && (this.recent[0] as { t: number }).t <= t - window) this.recent.shift();
      const stabilized = Math.max(desired, ...this.recent.map((r) => r.desired));
      const next = desired > this.replicas ? desired : Math.min(this.replicas, stabilized);
      if (next !== this.replicas) {
        reason = next > this.replicas ? `HPA: ${metric.toFixed(1)} / ${e.metric.target} per replica -> ${next}` : `HPA: down to ${next} (stabilization ${window}s)`;
        this.replicas = next;
      }
    }
    if (reason === "" && t % this.sync !== 0 && t % this.polling !== 0) return null;
    return { at: sample.now, function: e.function, desired: this.replicas, ready, observed: metric, panicking: false, reason: reason || (before === this.replicas ? `steady at ${this.replicas}` : "") };
  }
}
