import { parseQuantity } from "../../validation/checker.js";
import { Diagnostics } from "../../validation/diagnostic.js";
import type { ScalingKnob } from "../../vocabulary.js";
import { declaredScaling } from "../declared.js";
import type { ColdStartBehaviour, EffectiveScaling, EngineInput, EngineModel, EngineResult } from "../types.js";
import { KNATIVE_DEFAULTS } from "./defaults.js";
import { KnativeScaler } from "./scaler.js";

/** Cluster settings the Knative model needs (config-autoscaler), when they differ from Knative's defaults. */
export interface KnativeEngineOptions {
  /** scale-to-zero-grace-period, seconds. @default 30 */
  readonly gracePeriodSeconds?: number;
  /** The cluster allows initial-scale 0 (allow-zero-initial-scale). @default false */
  readonly allowZeroInitialScale?: boolean;
}

const NOTES: Record<ScalingKnob, string> = {
  minInstances: "min-scale",
  maxInstances: "max-scale",
  initialInstances: "initial-scale",
  "metric.concurrency": "KPA concurrency",
  "metric.rps": "KPA rps",
  "metric.cpu": "HPA class",
  "metric.memory": "HPA class, MiB per pod",
  "metric.queueLength": "concurrency of pushed deliveries",
  targetUtilizationPercent: "target-utilization-percentage",
  idleTimeout: "window + max(grace, retention)",
  scaleDownDelay: "scale-down-delay",
  stableWindow: "window",
  burst: "panic-window-percentage, panic-threshold-percentage",
  schedule: "min-scale is static",
  coldStart: "the activator buffers up to the revision timeout",
};

/**
 * Knative Serving's model: what the KPA (or the HPA class for cpu/memory) really does with a policy.
 * Time to zero is W + max(G, R): the proposal reaches 0 a stable window W after the last request, the
 * revision goes inactive, and its pods are removed after max(grace period G, retention R). zeroscale
 * sets R = T - W for an idle timeout T, so T is exact when T >= W + G.
 */
export const knativeEngine: EngineModel<KnativeEngineOptions> = {
  name: "knative",
  notes: NOTES,
  effective(input: EngineInput, options: KnativeEngineOptions = {}): EngineResult {
    const { fn, policy: p } = input;
    const d = new Diagnostics();
    const grace = options.gracePeriodSeconds ?? KNATIVE_DEFAULTS.gracePeriodSeconds;
    const base = declaredScaling("knative", input, { coldStart: activatorColdStart(fn.timeoutSeconds), decisionIntervalSeconds: KNATIVE_DEFAULTS.tickSeconds });
    const hpa = p.metric.type === "cpu" || p.metric.type === "memory";
    let metric = base.metric;
    let min = base.minInstances;
    if (p.metric.type === "queueLength") {
      d.warn("ZS-KNATIVE-QUEUE-METRIC", p.id, "metric.queueLength", p.metric.target, `is approximated on Knative: its sources push each message as a request, so the function scales on in-flight deliveries (concurrency target ${fn.concurrency})`, "nothing to do; deploy with keda() to scale on backlog itself");
      metric = { type: "queueLength", capacity: fn.concurrency, target: Math.max(0.01, (fn.concurrency * p.targetUtilizationPercent) / 100) };
    }
    if (p.metric.type === "memory") {
      const mib = memoryTargetMiB(fn.memory, p.metric.target);
      d.warn("ZS-KNATIVE-MEMORY-TARGET", p.id, "metric.memory", p.metric.target, `is mapped to an average of ${mib}Mi per pod (Knative's HPA class takes MiB, not percent)`, "nothing to do; set metric.memory so the MiB value suits");
    }
    if (hpa && min === 0) {
      d.warn("ZS-KNATIVE-HPA-ZERO", p.id, "minInstances", 0, `cannot be 0 with metric ${p.metric.type}: Knative's HPA class never scales to zero, so min-scale is ${KNATIVE_DEFAULTS.hpaMinScale}`, "scale on concurrency or rps for idle-zero, or set minInstances: 1");
      min = KNATIVE_DEFAULTS.hpaMinScale;
    }
    if (p.schedule.length > 0) {
      d.error("ZS-KNATIVE-SCHEDULE-BASELINE", p.id, "schedule", p.schedule, "has no Knative equivalent (min-scale is static)", "remove the baselines, raise minInstances, or deploy this app with keda() (cron scaler)");
    }
    let initial = Math.max(p.initialInstances, min);
    if (p.initialInstances === 0 && !options.allowZeroInitialScale) {
      d.warn("ZS-KNATIVE-INITIAL-ZERO", p.id, "initialInstances", 0, `needs the cluster setting allow-zero-initial-scale, which is off by default; initial-scale ${KNATIVE_DEFAULTS.initialScale} is used`, "pass knative({ allowZeroInitialScale: true }) if your cluster allows it");
      initial = Math.max(KNATIVE_DEFAULTS.initialScale, min);
    }
    let timeToZero: number | null = null;
    if (!hpa && min === 0 && p.idleTimeoutSeconds !== null) {
      const w = p.stableWindowSeconds;
      const retention = knativeRetentionSeconds(p.idleTimeoutSeconds, w);
      timeToZero = w + Math.max(grace, retention);
      if (timeToZero !== p.idleTimeoutSeconds) {
        d.warn("ZS-KNATIVE-IDLE", p.id, "idleTimeout", `${p.idleTimeoutSeconds}s`, `becomes ${timeToZero}s on Knative: stable window (${w}s) + max(grace period ${grace}s, retention ${retention}s)`, `set idleTimeout >= ${w + grace}s, or a shorter stableWindow`);
      }
    }
    const coldStart = coldStartOnKnative(input, activatorColdStart(fn.timeoutSeconds), d);
    let scaleDownDelay = base.scaleDownDelaySeconds;
    if (hpa && scaleDownDelay !== KNATIVE_DEFAULTS.hpaScaleDownStabilizationSeconds) {
      // The HPA class turns only `window` into the HPA's behavior; scale-down-delay is a KPA setting.
      scaleDownDelay = KNATIVE_DEFAULTS.hpaScaleDownStabilizationSeconds;
      d.warn("ZS-KNATIVE-HPA-DOWN-DELAY", p.id, "scaleDownDelay", `${p.scaleDownDelaySeconds}s`, `becomes ${scaleDownDelay}s with metric ${p.metric.type}: Knative's HPA class ignores scale-down-delay, so scale-down keeps the Kubernetes HPA's default stabilization window`, "scale on concurrency or rps to choose the delay");
    }
    const effective: EffectiveScaling = {
      ...base,
      minInstances: min,
      initialInstances: Math.min(initial, base.maxInstances),
      metric,
      panicWindowSeconds: hpa ? null : base.panicWindowSeconds,
      panicThreshold: hpa ? null : base.panicThreshold,
      timeToZeroSeconds: timeToZero,
      scaleDownDelaySeconds: scaleDownDelay,
      baselines: [],
      coldStart,
    };
    if (hpa) noteHpaWindows(input, d);
    return { effective, diagnostics: d.list("error").concat(d.list("warning")) };
  },
  scaler(input, options, now = 0) {
    return new KnativeScaler(knativeEngine.effective(input, options).effective, now);
  },
};

/** R: zeroscale's scale-to-zero-pod-retention-period for idle timeout T and stable window W. */
export function knativeRetentionSeconds(idleTimeoutSeconds: number, stableWindowSeconds: number): number {
  return Math.max(0, idleTimeoutSeconds - stableWindowSeconds);
}

/** Knative's HPA class reads a memory target as MiB per pod: the percent of the memory request, in MiB. */
export function memoryTargetMiB(memory: string, percent: number): number {
  return Math.max(1, Math.floor(((parseQuantity(memory) ?? 0) * percent) / 100 / 2 ** 20));
}

/** The activator holds requests for a revision at zero for up to the revision's timeout, with no per-revision limit. */
function activatorColdStart(timeoutSeconds: number): ColdStartBehaviour {
  return { mode: "buffer", maxRequests: null, maxWaitSeconds: timeoutSeconds };
}

function coldStartOnKnative({ fn, policy: p }: EngineInput, activator: ColdStartBehaviour, d: Diagnostics): ColdStartBehaviour {
  const cs = p.coldStart;
  if (cs === null) return activator;
  if (cs.mode === "reject") {
    d.warn("ZS-KNATIVE-COLD-START", p.id, "coldStart.reject", true, `cannot be honoured: Knative's activator always holds requests for a revision at zero (up to its timeout, ${fn.timeoutSeconds}s)`, "nothing to do, or deploy with docker() / zeroscale dev to refuse at once");
    return activator;
  }
  d.warn("ZS-KNATIVE-COLD-START", p.id, "coldStart.buffer", { maxRequests: cs.maxRequests, maxWait: `${cs.maxWaitSeconds}s` }, `is approximated: the activator has no per-revision buffer limit and holds each request up to the revision timeout (${fn.timeoutSeconds}s)`, `set the function's timeout to ${cs.maxWaitSeconds}s to bound the wait`);
  return activator;
}

function noteHpaWindows({ policy: p }: EngineInput, d: Diagnostics): void {
  if (p.stableWindowSeconds !== 60 || p.burst.panicWindowPercent !== 10 || p.burst.panicThresholdPercent !== 200) {
    d.warn("ZS-KNATIVE-HPA-WINDOW", p.id, "stableWindow", `${p.stableWindowSeconds}s`, `has no effect with metric ${p.metric.type}: Knative's HPA class uses the Kubernetes HPA's own windows and has no panic mode`, "remove stableWindow/burst, or scale on concurrency or rps");
  }
}
