import { Diagnostics } from "../../validation/diagnostic.js";
import type { ScalingKnob } from "../../vocabulary.js";
import { assertNever } from "../../vocabulary.js";
import { declaredScaling } from "../declared.js";
import type { ColdStartBehaviour, EffectiveScaling, EngineInput, EngineModel, EngineResult } from "../types.js";
import { CLOUDRUN_DEFAULTS as D } from "./defaults.js";
import { CloudRunScaler } from "./scaler.js";

const NOTES: Record<ScalingKnob, string> = {
  minInstances: "template.scaling.minInstanceCount (billed while idle)",
  maxInstances: "template.scaling.maxInstanceCount",
  initialInstances: "a new revision starts max(1, minInstanceCount) instances",
  "metric.concurrency": "60% of maxInstanceRequestConcurrency (the function's concurrency)",
  "metric.rps": "no rps metric: scales on concurrency",
  "metric.cpu": "60% CPU, fixed",
  "metric.memory": "no memory metric: scales on concurrency",
  "metric.queueLength": "no backlog metric: scales on concurrency",
  targetUtilizationPercent: "fixed at 60%",
  idleTimeout: "idle instances kept up to 15 minutes, not configurable",
  scaleDownDelay: "no knob",
  stableWindow: "a fixed one-minute window",
  burst: "no panic mode",
  schedule: "minInstanceCount is static",
  coldStart: "requests wait in Cloud Run's pending queue, up to the request timeout",
};

/** The per-instance concurrency Cloud Run aims at: 60% of maxInstanceRequestConcurrency. */
export function cloudRunConcurrencyTarget(concurrency: number): number {
  return (concurrency * D.targetUtilizationPercent) / 100;
}

/**
 * Google Cloud Run's model: what its autoscaler does with a policy. It keeps request concurrency at
 * 60% of maxInstanceRequestConcurrency (the function's concurrency) and CPU at 60%, averaged over one
 * minute; it keeps idle instances up to 15 minutes after the last request, so time to zero is 900 s
 * whatever idleTimeout says; min and max instances are honoured. Everything else it has no knob for is
 * stated as a warning with the effective value; schedule baselines are refused.
 */
export const cloudRunEngine: EngineModel = {
  name: "cloudrun",
  notes: NOTES,
  effective(input: EngineInput): EngineResult {
    const { fn, policy: p } = input;
    const d = new Diagnostics();
    const base = declaredScaling("cloudrun", input, { coldStart: pendingQueue(fn.timeoutSeconds), decisionIntervalSeconds: D.decisionIntervalSeconds });
    if (p.schedule.length > 0) {
      d.error("ZS-CLOUDRUN-SCHEDULE-BASELINE", p.id, "schedule", p.schedule, "has no Cloud Run equivalent (minInstanceCount is static per revision)", "remove the baselines, raise minInstances, or deploy this app with keda() (cron scaler)");
    }
    const metric = effectiveMetric(input, d);
    const initial = Math.min(Math.max(D.deployInstances, p.minInstances), p.maxInstances);
    if (initial !== base.initialInstances) {
      d.warn("ZS-CLOUDRUN-INITIAL", p.id, "initialInstances", p.initialInstances, `has no Cloud Run knob: a new revision starts ${initial} instance${initial === 1 ? "" : "s"} (max(1, minInstances))`, "leave initialInstances at its default for Cloud Run");
    }
    const timeToZero = p.minInstances === 0 ? D.idleRetentionSeconds : null;
    if (p.minInstances === 0 && p.idleTimeoutSeconds !== timeToZero) {
      d.warn("ZS-CLOUDRUN-IDLE", p.id, "idleTimeout", `${p.idleTimeoutSeconds}s`, `becomes up to ${D.idleRetentionSeconds}s on Cloud Run: it keeps idle instances up to 15 minutes after the last request, and has no setting for it`, "nothing to do (idle instances with request-based billing cost nothing), or deploy with knative() or docker() to honour it");
    }
    if (p.scaleDownDelaySeconds !== 0) {
      d.warn("ZS-CLOUDRUN-DOWN-DELAY", p.id, "scaleDownDelay", `${p.scaleDownDelaySeconds}s`, "has no Cloud Run knob: scale-down follows the one-minute average with no extra delay (0s)", "remove scaleDownDelay, or raise minInstances to keep capacity");
    }
    if (p.stableWindowSeconds !== D.stableWindowSeconds) {
      d.warn("ZS-CLOUDRUN-WINDOW", p.id, "stableWindow", `${p.stableWindowSeconds}s`, `becomes ${D.stableWindowSeconds}s: Cloud Run averages concurrency and CPU over a fixed one-minute window`, "remove stableWindow");
    }
    if (p.burst.panicWindowPercent !== 10 || p.burst.panicThresholdPercent !== 200) {
      d.warn("ZS-CLOUDRUN-BURST", p.id, "burst", p.burst, "has no effect on Cloud Run: its autoscaler has no panic mode to tune", "remove burst, or deploy with knative() or docker()");
    }
    const effective: EffectiveScaling = {
      ...base,
      initialInstances: initial,
      metric,
      stableWindowSeconds: D.stableWindowSeconds,
      panicWindowSeconds: null,
      panicThreshold: null,
      timeToZeroSeconds: timeToZero,
      scaleDownDelaySeconds: 0,
      baselines: [],
      coldStart: coldStartOnCloudRun(input, d),
    };
    return { effective, diagnostics: d.list("error").concat(d.list("warning")) };
  },
  scaler(input, _options, now = 0) {
    return new CloudRunScaler(cloudRunEngine.effective(input).effective, now);
  },
};

/** The metric Cloud Run really scales on: concurrency at 60% of the function's concurrency, or CPU at 60%. */
function effectiveMetric({ fn, policy: p }: EngineInput, d: Diagnostics): EffectiveScaling["metric"] {
  const concurrency = { type: "concurrency" as const, target: cloudRunConcurrencyTarget(fn.concurrency), capacity: fn.concurrency };
  const t = p.metric.type;
  const prop = `metric.${t}`;
  switch (t) {
    case "concurrency": {
      const declared = Math.max(0.01, (Math.min(p.metric.target, fn.concurrency) * p.targetUtilizationPercent) / 100);
      if (declared !== concurrency.target || p.metric.target < fn.concurrency) {
        const want = Math.max(1, Math.ceil(declared / (D.targetUtilizationPercent / 100)));
        d.warn("ZS-CLOUDRUN-TARGET", p.id, prop, p.metric.target, `x targetUtilizationPercent ${p.targetUtilizationPercent}% = ${+declared.toFixed(2)} becomes ${+concurrency.target.toFixed(2)} per instance: Cloud Run aims at 60% of maxInstanceRequestConcurrency, which is the function's concurrency (${fn.concurrency})`, `set the function's concurrency and metric.concurrency to ${want}, and targetUtilizationPercent: ${D.targetUtilizationPercent}`);
      }
      if (p.targetUtilizationPercent !== D.targetUtilizationPercent) {
        d.warn("ZS-CLOUDRUN-UTILIZATION", p.id, "targetUtilizationPercent", p.targetUtilizationPercent, `is fixed at ${D.targetUtilizationPercent}% on Cloud Run`, `set targetUtilizationPercent: ${D.targetUtilizationPercent}`);
      }
      return concurrency;
    }
    case "cpu":
      if (p.metric.target !== D.cpuTargetPercent) {
        d.warn("ZS-CLOUDRUN-CPU-TARGET", p.id, prop, p.metric.target, `becomes ${D.cpuTargetPercent}%: Cloud Run keeps CPU at a fixed ${D.cpuTargetPercent}% (and concurrency at 60% of ${fn.concurrency})`, `set metric.cpu: ${D.cpuTargetPercent}`);
      }
      return { type: "cpu", target: D.cpuTargetPercent, capacity: D.cpuTargetPercent };
    case "rps":
    case "memory":
    case "queueLength":
      d.warn("ZS-CLOUDRUN-METRIC", p.id, prop, p.metric.target, `has no Cloud Run metric: it scales on request concurrency, ${+concurrency.target.toFixed(2)} per instance (60% of the function's concurrency ${fn.concurrency})`, "scale on concurrency (set the function's concurrency) or cpu");
      return concurrency;
    default:
      return assertNever(t, "metric type");
  }
}

/** Cloud Run holds a request while an instance starts, with no per-service limit, up to the request timeout. */
function pendingQueue(timeoutSeconds: number): ColdStartBehaviour {
  return { mode: "buffer", maxRequests: null, maxWaitSeconds: timeoutSeconds };
}

function coldStartOnCloudRun({ fn, policy: p }: EngineInput, d: Diagnostics): ColdStartBehaviour {
  const queue = pendingQueue(fn.timeoutSeconds);
  const cs = p.coldStart;
  if (cs === null) return queue;
  if (cs.mode === "reject") {
    d.warn("ZS-CLOUDRUN-COLD-START", p.id, "coldStart.reject", true, `cannot be honoured: Cloud Run always holds requests while an instance starts (up to the request timeout, ${fn.timeoutSeconds}s)`, "nothing to do, or deploy with docker() / zeroscale dev to refuse at once");
  } else if (cs.maxRequests !== null || cs.maxWaitSeconds !== fn.timeoutSeconds) {
    d.warn("ZS-CLOUDRUN-COLD-START", p.id, "coldStart.buffer", { maxRequests: cs.maxRequests, maxWait: `${cs.maxWaitSeconds}s` }, `is approximated: Cloud Run's pending queue has no per-service limit and holds each request up to the request timeout (${fn.timeoutSeconds}s)`, `set the function's timeout to ${cs.maxWaitSeconds}s to bound the wait`);
  }
  return queue;
}
