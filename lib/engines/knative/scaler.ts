import type { FunctionNode, ScalingPolicyNode } from "../../index.js";
import { decide, type DeciderSpec, type DeciderState, initialDeciderState } from "./decider.js";
import { applyBounds, panicWindowSeconds } from "./resolve.js";

/** Cluster-level settings Knative keeps in config-autoscaler. */
export interface ScalerSettings {
  /** scale-to-zero-grace-period. @default 30 */
  readonly gracePeriodSeconds?: number;
  /** max-scale-up-rate. @default 1000 */
  readonly maxScaleUpRate?: number;
  /** max-scale-down-rate. @default 2 */
  readonly maxScaleDownRate?: number;
}

/** One scaling decision, with the reason, for logs, the live view and the event stream. */
export interface ScaleDecision {
  readonly at: number;
  readonly function: string;
  readonly desired: number;
  readonly ready: number;
  readonly stable: number;
  readonly panic: number;
  readonly panicking: boolean;
  readonly reason: string;
}

/**
 * A function's whole scaling behaviour as Knative has it: decider (stable/panic), bounds
 * (min/max/initial), and scale-to-zero gating (W + max(grace, retention)). Pure state machine over
 * an injected clock (seconds): the gateway drives it with real time, the replayer with virtual time.
 */
export class FunctionScaler {
  readonly spec: DeciderSpec;
  readonly panicWindow: number;
  private state: DeciderState;
  private initialized = false;
  private activeSince: number | null = null;
  private inactiveSince: number | null = null;
  private readonly grace: number;
  private readonly retention: number;

  constructor(
    readonly fn: FunctionNode,
    readonly policy: ScalingPolicyNode,
    settings: ScalerSettings = {},
    now = 0,
  ) {
    const resourceMetric = policy.metric.type === "cpu" || policy.metric.type === "memory";
    const perInstance = policy.metric.type === "concurrency" ? Math.min(policy.metric.target, fn.concurrency) : policy.metric.target;
    const utilization = policy.metric.type === "queueLength" || resourceMetric ? 1 : policy.targetUtilizationPercent / 100;
    this.spec = {
      targetValue: Math.max(0.01, perInstance * utilization),
      totalValue: perInstance,
      targetBurstCapacity: 0,
      panicThreshold: policy.burst.panicThresholdPercent / 100,
      maxScaleUpRate: settings.maxScaleUpRate ?? 1000,
      maxScaleDownRate: settings.maxScaleDownRate ?? 2,
      stableWindowSeconds: policy.stableWindowSeconds,
      reachable: true,
      activationScale: 0,
      scaleDownDelaySeconds: policy.scaleDownDelaySeconds,
    };
    this.panicWindow = panicWindowSeconds(policy.stableWindowSeconds, policy.burst.panicWindowPercent);
    this.state = initialDeciderState(0, now);
    this.grace = settings.gracePeriodSeconds ?? 30;
    this.retention = policy.idleTimeoutSeconds === null ? 0 : Math.max(0, policy.idleTimeoutSeconds - policy.stableWindowSeconds);
  }

  /** Instances to have at deploy time: initial scale within [min, max]. */
  get initialInstances(): number {
    return Math.min(Math.max(this.policy.initialInstances, this.policy.minInstances), this.policy.maxInstances);
  }

  /** Note that instances went from 0 to some (an activation), at `now`. */
  activated(now: number): void {
    this.activeSince ??= now;
    this.inactiveSince = null;
  }

  /** One tick: the instance count to have, given the window averages and current instances. */
  tick(now: number, ready: number, current: number, stable: number, panic: number): ScaleDecision {
    const out = decide(this.spec, this.state, { now, readyPods: ready, stable, panic });
    this.state = out.state;
    const p = this.policy;
    if (ready >= this.initialInstances) this.initialized = true;
    const bounded = applyBounds({ desired: out.result.desiredPods, minScale: p.minInstances, maxScale: p.maxInstances, initialScale: this.initialInstances, scaleTargetInitialized: this.initialized, reachable: true }) ?? current;
    const base = { at: now, function: this.fn.id, ready, stable, panic, panicking: out.result.panicking };
    if (bounded > 0) {
      this.inactiveSince = null;
      if (current === 0) this.activeSince = now;
      const reason = out.result.panicking ? `panic: ${panic.toFixed(1)} over ${this.panicWindow}s` : `stable: ${stable.toFixed(1)} over ${p.stableWindowSeconds}s`;
      return { ...base, desired: bounded, reason: `${reason} / target ${this.spec.targetValue.toFixed(2)} per instance` };
    }
    if (current === 0) {
      this.activeSince = null;
      return { ...base, desired: 0, reason: "idle at zero" };
    }
    if (this.activeSince !== null && now - this.activeSince < p.stableWindowSeconds) {
      return { ...base, desired: Math.max(1, Math.min(current, 1)), reason: `idle; active for less than the stable window (${p.stableWindowSeconds}s)` };
    }
    this.inactiveSince ??= now;
    const wait = Math.max(this.grace, this.retention);
    if (now - this.inactiveSince >= wait) {
      this.activeSince = null;
      return { ...base, desired: 0, reason: `idle for ${p.stableWindowSeconds}s window + ${wait}s (max of grace ${this.grace}s, retention ${this.retention}s): to zero` };
    }
    return { ...base, desired: 1, reason: `idle; to zero in ${Math.ceil(wait - (now - this.inactiveSince))}s` };
  }
}
