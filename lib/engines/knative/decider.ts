/**
 * Knative's Pod Autoscaler decider (pkg/autoscaler/scaling/autoscaler.go), as a pure step function:
 * (spec, state, observation) -> (state', result). No clocks, no I/O: the gateway calls it every tick
 * with live observations, and the replayer calls it over virtual time.
 */

/** Per-function decider settings (Knative's DeciderSpec). */
export interface DeciderSpec {
  /** Per-instance target of the metric, after utilization (>= 0.01). */
  readonly targetValue: number;
  /** Per-instance capacity (before utilization), for excess burst capacity only. */
  readonly totalValue: number;
  /** Knative's target-burst-capacity: 0 = none, -1 = unlimited. */
  readonly targetBurstCapacity: number;
  /** Panic when panic-window demand / ready instances >= this ratio (200% = 2). */
  readonly panicThreshold: number;
  readonly maxScaleUpRate: number;
  readonly maxScaleDownRate: number;
  readonly stableWindowSeconds: number;
  /** Whether traffic is routed to the function (no scale-down rate limit when not). */
  readonly reachable: boolean;
  /** Any non-zero proposal is raised to this (only when > 1). */
  readonly activationScale: number;
  /** Scale-down decisions are held for this long (0 = off). */
  readonly scaleDownDelaySeconds: number;
}

/** The decider's memory between ticks. Plain data. */
export interface DeciderState {
  /** When panic mode last (re)started, in seconds; null when not panicking. */
  readonly panicStartedAt: number | null;
  /** Highest proposal since the panic began. */
  readonly maxPanicPods: number;
  /** Scale-down delay window: [2s-bucket index, max proposal] pairs, indices ascending, values descending. */
  readonly delay: readonly (readonly [number, number])[];
}

/** One tick's input. */
export interface Observation {
  /** Now, in seconds. */
  readonly now: number;
  /** Ready instances right now. */
  readonly readyPods: number;
  /** Average of the metric (summed over instances) over the stable window. */
  readonly stable: number;
  /** Average over the panic window. */
  readonly panic: number;
}

/** One tick's output. */
export interface DeciderResult {
  /** The proposal, before min/max/initial bounds and scale-to-zero gating. */
  readonly desiredPods: number;
  /** Spare capacity beyond the burst target; negative keeps the activator in the path. */
  readonly excessBurstCapacity: number;
  readonly panicking: boolean;
}

/** Tick interval of Knative's decider, also the scale-down-delay bucket size. */
export const TICK_SECONDS = 2;

/** A fresh decider state. Created with more than one ready instance, it starts panicking so a restart does not scale a busy function down. */
export function initialDeciderState(readyPodsAtCreation: number, now = 0): DeciderState {
  return { panicStartedAt: readyPodsAtCreation > 1 ? now : null, maxPanicPods: readyPodsAtCreation, delay: [] };
}

/** One decision (Knative's `Scale`). */
export function decide(spec: DeciderSpec, state: DeciderState, obs: Observation): { state: DeciderState; result: DeciderResult } {
  const ready = Math.max(1, obs.readyPods);
  const maxScaleUp = Math.ceil(spec.maxScaleUpRate * ready);
  const maxScaleDown = spec.reachable ? Math.floor(ready / spec.maxScaleDownRate) : 0;
  const dspc = Math.ceil(obs.stable / spec.targetValue);
  const dppc = Math.ceil(obs.panic / spec.targetValue);
  let stablePods = Math.min(Math.max(dspc, maxScaleDown), maxScaleUp);
  let panicPods = Math.min(Math.max(dppc, maxScaleDown), maxScaleUp);
  if (spec.activationScale > 1) {
    if (dspc > 0 && spec.activationScale > stablePods) stablePods = spec.activationScale;
    if (dppc > 0 && spec.activationScale > panicPods) panicPods = spec.activationScale;
  }

  const overThreshold = dppc / ready >= spec.panicThreshold;
  let panicStartedAt = state.panicStartedAt;
  let maxPanicPods = state.maxPanicPods;
  if (overThreshold) {
    panicStartedAt = obs.now; // start, or extend, the panic
  } else if (panicStartedAt !== null && panicStartedAt + spec.stableWindowSeconds < obs.now) {
    panicStartedAt = null; // the surge has made its way into the stable window
    maxPanicPods = 0;
  }

  let desired = stablePods;
  if (panicStartedAt !== null) {
    desired = Math.max(desired, panicPods);
    if (desired > maxPanicPods) maxPanicPods = desired;
    desired = maxPanicPods; // never scale down while panicking
  }

  let delay = state.delay;
  if (spec.scaleDownDelaySeconds > 0) {
    delay = recordMax(delay, Math.floor(obs.now / TICK_SECONDS), desired, Math.ceil(spec.scaleDownDelaySeconds / TICK_SECONDS));
    desired = (delay[0] as readonly [number, number])[1];
  }

  let excessBurstCapacity = -1;
  if (spec.targetBurstCapacity === 0) excessBurstCapacity = 0;
  else if (spec.targetBurstCapacity > 0) excessBurstCapacity = Math.floor(obs.readyPods * spec.totalValue - spec.targetBurstCapacity - obs.panic);

  return { state: { panicStartedAt, maxPanicPods, delay }, result: { desiredPods: desired, excessBurstCapacity, panicking: panicStartedAt !== null } };
}

/**
 * A sliding maximum over the last `buckets` bucket indices (a monotonic deque: indices ascending,
 * values strictly descending), as Knative's max.TimeWindow.
 */
function recordMax(window: readonly (readonly [number, number])[], index: number, value: number, buckets: number): (readonly [number, number])[] {
  const out = window.filter(([i]) => i > index - buckets);
  let v = value;
  const last = out[out.length - 1];
  if (last && last[0] === index) {
    v = Math.max(v, last[1]);
    out.pop();
  }
  while (out.length > 0 && (out[out.length - 1] as readonly [number, number])[1] <= v) out.pop();
  out.push([index, v]);
  return out;
}
