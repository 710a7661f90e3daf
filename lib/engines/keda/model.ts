import type { TriggerNode } from "../../graph/types.js";
import { Diagnostics } from "../../validation/diagnostic.js";
import type { ScalingKnob } from "../../vocabulary.js";
import { declaredScaling } from "../declared.js";
import type { ColdStartBehaviour, EffectiveScaling, EngineInput, EngineModel, EngineResult } from "../types.js";
import { KEDA_DEFAULTS } from "./defaults.js";
import { KedaScaler, type KedaScalerSettings } from "./scaler.js";

/** KEDA settings the model needs (they live on the backend, not in the graph). */
export interface KedaEngineOptions extends KedaScalerSettings {
  /** The interceptor's wait for a ready replica in this cluster, seconds. @default 20 */
  readonly interceptorWaitTimeoutSeconds?: number;
}

/** How KEDA scales a function: through the HTTP add-on (HTTPScaledObject) or a ScaledObject. */
export type KedaAutoscaler = "http" | "scaledObject";

const NOTES: Record<ScalingKnob, string> = {
  minInstances: "minReplicaCount / replicas.min",
  maxInstances: "maxReplicaCount / replicas.max",
  initialInstances: "a Deployment starts at 1 replica",
  "metric.concurrency": "HTTPScaledObject concurrency",
  "metric.rps": "HTTPScaledObject requestRate",
  "metric.cpu": "cpu scaler (Utilization)",
  "metric.memory": "memory scaler (Utilization)",
  "metric.queueLength": "the scaler's lag/length threshold",
  targetUtilizationPercent: "the HTTP add-on's targetValue",
  idleTimeout: "cooldownPeriod / scaledownPeriod (+ up to pollingInterval)",
  scaleDownDelay: "HPA scaleDown stabilizationWindowSeconds",
  stableWindow: "requestRate window",
  burst: "no panic mode",
  schedule: "cron scaler",
  coldStart: "the interceptor holds requests up to its wait timeout",
};

/** Which autoscaler KEDA uses for a function, given its triggers and metric. */
export function kedaAutoscaler({ policy, triggers }: EngineInput): KedaAutoscaler {
  const has = (type: TriggerNode["source"]["type"]) => triggers.some((t) => t.source.type === type);
  const resource = policy.metric.type === "cpu" || policy.metric.type === "memory";
  return has("http") || has("schedule") || (!has("queue") && !resource) ? "http" : "scaledObject";
}

/** The HTTP add-on's targetValue: the per-instance target after utilization, a whole number >= 1. */
export function httpTargetValue(target: number, utilizationPercent: number): number {
  return Math.max(1, Math.round((target * utilizationPercent) / 100));
}

/**
 * KEDA's model. Refuses what KEDA cannot express (two autoscalers for one workload, cpu/memory or
 * baselines on an HTTP function, rps on a consumer); approximates the rest with the effective value.
 */
export const kedaEngine: EngineModel<KedaEngineOptions> = {
  name: "keda",
  notes: NOTES,
  effective(input: EngineInput, options: KedaEngineOptions = {}): EngineResult {
    const { fn, policy: p, triggers } = input;
    const d = new Diagnostics();
    const polling = options.pollingIntervalSeconds ?? KEDA_DEFAULTS.pollingIntervalSeconds;
    const via = kedaAutoscaler(input);
    const base = declaredScaling("keda", input, { coldStart: interceptorColdStart(via, options), decisionIntervalSeconds: polling });
    const resource = p.metric.type === "cpu" || p.metric.type === "memory";
    const queues = triggers.filter((t) => t.source.type === "queue");
    const pushed = triggers.filter((t) => t.source.type !== "queue");
    if (queues.length > 0 && pushed.length > 0) {
      d.error("ZS-KEDA-ONE-AUTOSCALER", fn.id, "(triggers)", [...pushed, ...queues].map((t) => t.id), "mixes HTTP/schedule triggers (HTTP add-on: HTTPScaledObject) with queue triggers (ScaledObject), and one workload can have only one autoscaler", "split the function in two: one for HTTP and schedules, one consuming the queue");
    }
    if (via === "http" && resource) d.error("ZS-KEDA-HTTP-METRIC", p.id, `metric.${p.metric.type}`, p.metric.target, "cannot scale an HTTP function: the HTTP add-on scales on concurrency or request rate", "scale on concurrency or rps");
    if (via === "http" && p.schedule.length > 0) d.error("ZS-KEDA-HTTP-SCHEDULE-BASELINE", p.id, "schedule", p.schedule, "cannot apply to an HTTP function: HTTPScaledObject has no cron scaler", "raise minInstances instead, or move the baseline to a queue-driven function");
    if (via === "scaledObject" && p.metric.type === "rps") d.error("ZS-KEDA-QUEUE-RPS", p.id, "metric.rps", p.metric.target, "needs the HTTP add-on, which only sees HTTP traffic; this function consumes a queue", "scale on queueLength");

    let min = p.minInstances;
    if (via === "scaledObject" && resource && min === 0) {
      d.warn("ZS-KEDA-RESOURCE-ZERO", p.id, "minInstances", 0, `cannot be 0 with metric ${p.metric.type}: KEDA's ${p.metric.type} scaler never scales to zero, so minReplicaCount is 1`, "scale on queueLength for idle-zero, or set minInstances: 1");
      min = 1;
    }
    const initial = Math.max(KEDA_DEFAULTS.deploymentReplicas, min);
    if (p.initialInstances !== Math.max(1, p.minInstances)) {
      d.warn("ZS-KEDA-INITIAL", p.id, "initialInstances", p.initialInstances, `has no KEDA equivalent: the Deployment starts at ${initial} replica${initial === 1 ? "" : "s"} and KEDA scales it after initialCooldownPeriod`, "leave initialInstances at its default for KEDA");
    }
    let metric = base.metric;
    if (via === "http" && (p.metric.type === "concurrency" || p.metric.type === "rps")) {
      const targetValue = httpTargetValue(p.metric.target, p.targetUtilizationPercent);
      if (targetValue !== metric.target) {
        d.warn("ZS-KEDA-HTTP-TARGET", p.id, `metric.${p.metric.type}`, p.metric.target, `x targetUtilizationPercent ${p.targetUtilizationPercent}% = ${+metric.target.toFixed(2)} becomes targetValue ${targetValue} per replica (the HTTP add-on takes a whole number >= 1)`, `choose a target and utilization whose product is a whole number, e.g. targetUtilizationPercent: ${Math.round((targetValue / p.metric.target) * 100)}`);
      }
      metric = { ...metric, target: targetValue };
    } else if (via === "scaledObject" && !resource && p.metric.type !== "queueLength") {
      d.warn("ZS-KEDA-QUEUE-METRIC", p.id, `metric.${p.metric.type}`, p.metric.target, `is not a queue metric; KEDA scales this queue consumer on backlog, ${KEDA_DEFAULTS.defaultQueueTarget} pending messages per instance`, "scale on { queueLength: n } to choose the backlog per instance");
      metric = { type: "queueLength", target: KEDA_DEFAULTS.defaultQueueTarget, capacity: KEDA_DEFAULTS.defaultQueueTarget };
    }
    let scaleDownDelay = p.scaleDownDelaySeconds;
    if (via === "http") {
      // HTTPScaledObject sets no HPA behavior: scale-down keeps the HPA's default stabilization.
      scaleDownDelay = KEDA_DEFAULTS.hpaScaleDownStabilizationSeconds;
      if (p.scaleDownDelaySeconds !== scaleDownDelay) d.warn("ZS-KEDA-HTTP-DOWN-DELAY", p.id, "scaleDownDelay", `${p.scaleDownDelaySeconds}s`, `becomes ${scaleDownDelay}s on KEDA's HTTP add-on: HTTPScaledObject sets no HPA behavior, so scale-down keeps the HPA's default stabilization window`, "nothing to do, or scale this function with knative() or docker() to honour it");
    }
    const tuned = p.burst.panicWindowPercent !== 10 || p.burst.panicThresholdPercent !== 200;
    if (tuned) d.warn("ZS-KEDA-BURST", p.id, "burst", p.burst, "has no effect on KEDA: the HPA has no panic mode", "remove burst, or deploy with knative() or docker()");
    if (p.stableWindowSeconds !== 60 && !(via === "http" && p.metric.type === "rps")) {
      d.warn("ZS-KEDA-WINDOW", p.id, "stableWindow", `${p.stableWindowSeconds}s`, "has no effect on KEDA here: only the HTTP add-on's requestRate averages over a window", "remove stableWindow, or scale on rps");
    }
    const effective: EffectiveScaling = {
      ...base,
      minInstances: min,
      initialInstances: Math.min(initial, p.maxInstances),
      metric,
      panicWindowSeconds: null,
      panicThreshold: null,
      timeToZeroSeconds: min === 0 ? p.idleTimeoutSeconds : null,
      scaleDownDelaySeconds: scaleDownDelay,
      baselines: via === "http" ? [] : base.baselines,
      coldStart: coldStartOnKeda(input, via, interceptorColdStart(via, options), d),
    };
    return { effective, diagnostics: d.list("error").concat(d.list("warning")) };
  },
  scaler(input, options, _now) {
    return new KedaScaler(kedaEngine.effective(input, options).effective, options, kedaAutoscaler(input) === "http");
  },
};

function interceptorColdStart(via: KedaAutoscaler, options: KedaEngineOptions): ColdStartBehaviour {
  // A queue consumer has no cold-start buffer: messages wait in the broker.
  return { mode: "buffer", maxRequests: null, maxWaitSeconds: via === "http" ? (options.interceptorWaitTimeoutSeconds ?? KEDA_DEFAULTS.interceptorWaitTimeoutSeconds) : 0 };
}

function coldStartOnKeda({ policy: p }: EngineInput, via: KedaAutoscaler, interceptor: ColdStartBehaviour, d: Diagnostics): ColdStartBehaviour {
  const cs = p.coldStart;
  if (cs === null) return interceptor;
  const wait = interceptor.mode === "buffer" ? interceptor.maxWaitSeconds : 0;
  if (via === "scaledObject") {
    d.warn("ZS-KEDA-COLD-START", p.id, "coldStart", cs, "has no effect on a queue consumer: messages wait in the broker until a replica pulls them", "remove coldStart");
    return interceptor;
  }
  if (cs.mode === "reject") {
    d.warn("ZS-KEDA-COLD-START", p.id, "coldStart.reject", true, `cannot be honoured: the HTTP add-on's interceptor holds requests while it scales from zero (up to ${wait}s, a cluster-wide setting)`, "nothing to do, or deploy with docker() / zeroscale dev to refuse at once");
  } else if (cs.maxWaitSeconds !== wait || cs.maxRequests !== null) {
    d.warn("ZS-KEDA-COLD-START", p.id, "coldStart.buffer", { maxRequests: cs.maxRequests, maxWait: `${cs.maxWaitSeconds}s` }, `is approximated: the interceptor has no per-function buffer limit and waits ${wait}s for a replica (interceptor.replicas.waitTimeout, cluster-wide)`, `set keda({ interceptorWaitTimeoutSeconds }) to your cluster's value, or its Helm value to ${cs.maxWaitSeconds}s`);
  }
  return interceptor;
}
