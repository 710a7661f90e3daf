import { resourceLoad } from "../declared.js";
import { MetricWindow } from "../metric-window.js";
import type { EffectiveScaling, EngineScaler, LoadSample, ScaleDecision } from "../types.js";
import { decide, type DeciderSpec, type DeciderState, initialDeciderState } from "./decider.js";
import { KNATIVE_DEFAULTS } from "./defaults.js";
import { applyBounds } from "./resolve.js";

/** The metric Knative's autoscaler sees in one second of load. */
export function observedMetric(e: EffectiveScaling, s: LoadSample, ready: number): number {
  switch (e.metric.type) {
    case "concurrency":
    case "queueLength": // Knative's sources push each message as a request: in-flight deliveries
      return s.concurrency;
    case "rps":
      return s.arrivals;
    case "cpu":
    case "memory":
      return resourceLoad(s, e.metric.type, ready);
  }
}

/**
 * A function's scaling as Knative does it, from the Knative model's effective values: the KPA
 * decider (stable/panic windows, 2 s ticks), min/max/initial bounds and scale-to-zero gating
 * (inactive after a stable window of no traffic, pods removed after max(grace, retention)). Pure
 * state machine over an injected clock: the gateway (`--emulate knative`) drives it in real time,
 * replay in virtual time.
 */
export class KnativeScaler implements EngineScaler {
  readonly spec: DeciderSpec;
  private state: DeciderState;
  private readonly window: MetricWindow;
  private initialized = false;
  private activeSince: number | null = null;
  private inactiveSince: number | null = null;
  private second = 0;
  /** Seconds from going inactive to zero: max(grace, retention). */
  private readonly wait: number;

  constructor(
    readonly effective: EffectiveScaling,
    now = 0,
  ) {
    const e = effective;
    this.spec = {
      targetValue: e.metric.target,
      totalValue: e.metric.capacity,
      targetBurstCapacity: 0,
      panicThreshold: e.panicThreshold ?? Number.POSITIVE_INFINITY,
      maxScaleUpRate: KNATIVE_DEFAULTS.maxScaleUpRate,
      maxScaleDownRate: KNATIVE_DEFAULTS.maxScaleDownRate,
      stableWindowSeconds: e.stableWindowSeconds,
      reachable: true,
      activationScale: 0,
      scaleDownDelaySeconds: e.scaleDownDelaySeconds,
    };
    this.state = initialDeciderState(0, now);
    this.window = new MetricWindow(Math.max(e.stableWindowSeconds, 6));
    this.wait = e.timeToZeroSeconds === null ? 0 : e.timeToZeroSeconds - e.stableWindowSeconds;
  }

  get initialInstances(): number {
    return this.effective.initialInstances;
  }

  activated(now: number): boolean {
    this.activeSince ??= now; // the activator holds the request and wakes the revision
    this.inactiveSince = null;
    return true;
  }

  observe(sample: LoadSample, ready: number, current: number): ScaleDecision | null {
    const e = this.effective;
    this.window.record(++this.second, observedMetric(e, sample, ready));
    if (this.second % KNATIVE_DEFAULTS.tickSeconds !== 0) return null;
    const now = sample.now;
    const stable = this.window.average(this.second, e.stableWindowSeconds);
    const panic = this.window.average(this.second, e.panicWindowSeconds ?? e.stableWindowSeconds);
    const out = decide(this.spec, this.state, { now, readyPods: ready, stable, panic });
    this.state = out.state;
    if (ready >= e.initialInstances) this.initialized = true;
    const bounded = applyBounds({ desired: out.result.desiredPods, minScale: e.minInstances, maxScale: e.maxInstances, initialScale: e.initialInstances, scaleTargetInitialized: this.initialized, reachable: true }) ?? current;
    const base = { at: now, function: e.function, ready, observed: stable, panicking: out.result.panicking };
    if (bounded > 0 || e.timeToZeroSeconds === null) {
      this.inactiveSince = null;
      if (current === 0) this.activeSince = now;
      const reason = out.result.panicking ? `panic: ${panic.toFixed(1)} over ${e.panicWindowSeconds}s` : `stable: ${stable.toFixed(1)} over ${e.stableWindowSeconds}s`;
      return { ...base, desired: Math.max(bounded, 1), reason: `${reason} / target ${this.spec.targetValue.toFixed(2)} per instance` };
    }
    if (current === 0) {
      this.activeSince = null;
      return { ...base, desired: 0, reason: "idle at zero" };
    }
    if (this.activeSince !== null && now - this.activeSince < e.stableWindowSeconds) {
      return { ...base, desired: 1, reason: `idle; active for less than the stable window (${e.stableWindowSeconds}s)` };
    }
    this.inactiveSince ??= now;
    if (now - this.inactiveSince >= this.wait) {
      this.activeSince = null;
      return { ...base, desired: 0, reason: `idle for the ${e.stableWindowSeconds}s window + ${this.wait}s (max of grace, retention): to zero` };
    }
    return { ...base, desired: 1, reason: `idle; to zero in ${Math.ceil(this.wait - (now - this.inactiveSince))}s` };
  }
}
