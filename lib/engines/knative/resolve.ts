import { KNATIVE_DEFAULTS } from "./defaults.js";
/**
 * What Knative derives before the decider runs (target.go, metric.go) and what it does with a proposal
 * afterwards (kpa/scaler.go: bounds, initial scale, scale-to-zero gating). Pure functions.
 */

/** Per-instance capacity and target (Knative's target resolution). */
export function resolveTarget(input: {
  metric: "concurrency" | "rps";
  containerConcurrency: number;
  /** The `autoscaling.knative.dev/target` annotation. */
  target?: number;
  /** The `target-utilization-percentage` annotation. */
  utilizationPercent?: number;
  /** config-autoscaler values (strings, as in the ConfigMap). */
  config?: Readonly<Record<string, string>>;
}): { total: number; target: number } {
  const config = input.config ?? {};
  let total: number;
  if (input.metric === "rps") {
    total = input.target ?? Number(config["requests-per-second-target-default"] ?? "200");
  } else {
    total = input.containerConcurrency > 0 ? input.containerConcurrency : Number(config["container-concurrency-target-default"] ?? "100");
    if (input.target !== undefined) total = input.containerConcurrency > 0 ? Math.min(input.target, input.containerConcurrency) : input.target;
  }
  let utilization: number;
  if (input.utilizationPercent !== undefined) utilization = input.utilizationPercent / 100;
  else if (input.metric === "rps") utilization = 0.7;
  else {
    const configured = Number(config["container-concurrency-target-percentage"] ?? "70");
    utilization = configured <= 1 ? configured : configured / 100;
  }
  return { total, target: Math.max(0.01, total * utilization) };
}

/** The panic window in whole seconds: stable window x percentage, rounded to nearest, at least 1s. */
export function panicWindowSeconds(stableWindowSeconds: number, panicWindowPercentage: number): number {
  return Math.max(1, Math.round((stableWindowSeconds * panicWindowPercentage) / 100));
}

/** Clamp a proposal into [min, max] (max 0 = unlimited); min is raised to initial scale until first reached; an unreachable function has min 0. Returns null for "no data yet" (-1). */
export function applyBounds(input: {
  desired: number;
  minScale: number;
  maxScale: number;
  initialScale?: number;
  scaleTargetInitialized?: boolean;
  reachable?: boolean;
}): number | null {
  if (input.desired < 0) return null;
  let min = input.reachable === false ? 0 : input.minScale;
  if (input.initialScale !== undefined && input.scaleTargetInitialized === false && input.reachable !== false) min = Math.max(min, input.initialScale);
  let out = Math.max(input.desired, min);
  if (input.maxScale > 0) out = Math.min(out, input.maxScale);
  return out;
}

/** Knative's effective initial scale: the annotation, 0 only when the cluster allows it. */
export function initialScale(annotation: number | undefined, config: Readonly<Record<string, string>> = {}): number {
  const configured = Number(config["initial-scale"] ?? "1");
  const allowZero = (config["allow-zero-initial-scale"] ?? "false") === "true";
  const value = annotation ?? configured;
  return value === 0 && !allowZero ? configured : value;
}

/** The scale-to-zero gate's verdict for a bounded proposal of 0. */
export interface ScaleToZeroVerdict {
  /** Replicas to set now, or null for "no change yet". */
  readonly scaleTo: number | null;
  /** Turn the function inactive (the activator takes the traffic). */
  readonly markInactive?: boolean;
  /** Look again after this many seconds. */
  readonly recheckAfterSeconds?: number;
}

/** Knative's scale-to-zero gating (kpa/scaler.go handleScaleToZero), for a proposal of 0. */
export function scaleToZero(input: {
  enableScaleToZero?: boolean;
  stableWindowSeconds?: number;
  paActiveForSeconds?: number;
  paInactiveForSeconds?: number;
  paActivatingForSeconds?: number;
  sksProxyForSeconds?: number;
  gracePeriodSeconds?: number;
  retentionSeconds?: number;
  activatorProbeOk?: boolean;
  progressDeadlineSeconds?: number;
}): ScaleToZeroVerdict {
  if (input.enableScaleToZero === false) return { scaleTo: 1 };
  if (input.paActivatingForSeconds !== undefined) {
    const deadline = (input.progressDeadlineSeconds ?? 600) + 30;
    return input.paActivatingForSeconds > deadline ? { scaleTo: 0 } : { scaleTo: null, recheckAfterSeconds: deadline - input.paActivatingForSeconds };
  }
  if (input.paActiveForSeconds !== undefined) {
    const window = input.stableWindowSeconds ?? 60;
    if (input.paActiveForSeconds < window) return { scaleTo: 1, recheckAfterSeconds: window - input.paActiveForSeconds };
    return { scaleTo: null, markInactive: true };
  }
  const inactive = input.paInactiveForSeconds ?? 0;
  const grace = input.gracePeriodSeconds ?? KNATIVE_DEFAULTS.gracePeriodSeconds;
  const retention = input.retentionSeconds ?? 0;
  if (input.activatorProbeOk === false) return { scaleTo: null };
  if (inactive >= Math.max(grace, retention)) return { scaleTo: 0 };
  if (retention > inactive) return { scaleTo: null, recheckAfterSeconds: retention - inactive };
  const proxied = input.sksProxyForSeconds ?? 0;
  if (proxied >= grace) return { scaleTo: 0 };
  return { scaleTo: null, recheckAfterSeconds: grace - proxied };
}
