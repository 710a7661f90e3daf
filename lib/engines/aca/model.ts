import type { TriggerNode } from "../../graph/types.js";
import { Diagnostics } from "../../validation/diagnostic.js";
import type { ScalingKnob } from "../../vocabulary.js";
import { declaredCapacity, declaredScaling } from "../declared.js";
import { httpTargetValue } from "../keda/model.js";
import { KedaScaler } from "../keda/scaler.js";
import type { ColdStartBehaviour, EffectiveScaling, EngineInput, EngineModel, EngineResult } from "../types.js";
import { ACA_DEFAULTS } from "./defaults.js";

/** ACA settings the model needs (they live on the backend, not in the graph). */
export interface AcaEngineOptions {
  /** template.scale.pollingInterval, seconds. @default 30 */
  readonly pollingIntervalSeconds?: number;
}

/** Which scale rules an app gets: an HTTP rule (ingress: http or schedule triggers, or none), custom queue rules, or both. */
export type AcaRules = "http" | "queue" | "both";

const NOTES: Record<ScalingKnob, string> = {
  minInstances: "template.scale.minReplicas",
  maxInstances: "template.scale.maxReplicas (<= 1000)",
  initialInstances: "a new revision starts at max(minReplicas, 1)",
  "metric.concurrency": "http rule concurrentRequests: a request rate over 15 s, not in-flight requests",
  "metric.rps": "http rule concurrentRequests (requests per second over 15 s)",
  "metric.cpu": "custom cpu rule (Utilization); never to zero",
  "metric.memory": "custom memory rule (Utilization); never to zero",
  "metric.queueLength": "the custom KEDA scaler's lag/length threshold",
  targetUtilizationPercent: "folded into concurrentRequests (a whole number)",
  idleTimeout: "cooldownPeriod, 1 -> 0 only (+ up to pollingInterval)",
  scaleDownDelay: "fixed: the HPA's default 300 s stabilization",
  stableWindow: "fixed: the http rule's 15 s window",
  burst: "no panic mode",
  schedule: "custom cron rule",
  coldStart: "the ingress holds requests up to its 240 s timeout",
};

/** The rules an app gets from its triggers. */
export function acaRules({ triggers }: Pick<EngineInput, "triggers">): AcaRules {
  const has = (type: TriggerNode["source"]["type"]) => triggers.some((t) => t.source.type === type);
  const queue = has("queue");
  const pushed = has("http") || has("schedule");
  return queue && pushed ? "both" : queue ? "queue" : "http";
}

/**
 * Azure Container Apps' model: KEDA underneath (polling activation, cooldownPeriod for 1 -> 0, the
 * HPA with its default stabilization for N -> M), with ACA's fixed HTTP rule (a 15 s request rate
 * with a whole-number target) and no HPA behavior or panic knobs.
 */
export const acaEngine: EngineModel<AcaEngineOptions> = {
  name: "aca",
  notes: NOTES,
  effective(input: EngineInput, options: AcaEngineOptions = {}): EngineResult {
    const { policy: p } = input;
    const d = new Diagnostics();
    const polling = options.pollingIntervalSeconds ?? ACA_DEFAULTS.pollingIntervalSeconds;
    const rules = acaRules(input);
    const ingress = rules !== "queue";
    const base = declaredScaling("aca", input, { coldStart: ingressColdStart(ingress), decisionIntervalSeconds: polling });
    const resource = p.metric.type === "cpu" || p.metric.type === "memory";
    const httpMetric = p.metric.type === "concurrency" || p.metric.type === "rps";

    let min = p.minInstances;
    if (resource && min === 0) {
      d.warn("ZS-ACA-RESOURCE-ZERO", p.id, "minInstances", 0, `cannot be 0 with metric ${p.metric.type}: the ${p.metric.type} scale rule never scales to zero, so minReplicas is 1`, "scale on concurrency, rps or queueLength for idle-zero, or set minInstances: 1");
      min = 1;
    }
    const initial = Math.min(Math.max(ACA_DEFAULTS.revisionReplicas, min), p.maxInstances);
    if (p.initialInstances !== Math.max(1, p.minInstances)) {
      d.warn("ZS-ACA-INITIAL", p.id, "initialInstances", p.initialInstances, `has no Container Apps equivalent: a new revision starts at ${initial} replica${initial === 1 ? "" : "s"} and KEDA scales it from there`, "leave initialInstances at its default for aca()");
    }

    let metric = base.metric;
    let window = p.stableWindowSeconds;
    if (httpMetric && ingress) {
      const value = httpTargetValue(declaredCapacity(input), p.targetUtilizationPercent);
      window = ACA_DEFAULTS.httpWindowSeconds;
      if (p.metric.type === "concurrency") {
        d.warn("ZS-ACA-HTTP-CONCURRENCY", p.id, "metric.concurrency", p.metric.target, `becomes the http rule's concurrentRequests ${value} per replica, which Container Apps measures as requests per second over ${window}s, not requests in flight (it scales on rate)`, "scale on { rps: n } to state what runs, or deploy with knative() or docker() to scale on concurrency");
      } else if (value !== metric.target) {
        d.warn("ZS-ACA-HTTP-TARGET", p.id, "metric.rps", p.metric.target, `x targetUtilizationPercent ${p.targetUtilizationPercent}% = ${+metric.target.toFixed(2)} becomes concurrentRequests ${value} per replica (a whole number >= 1)`, `choose a target and utilization whose product is a whole number, e.g. targetUtilizationPercent: ${Math.round((value / p.metric.target) * 100)}`);
      }
      metric = { type: "rps", target: value, capacity: base.metric.capacity };
      if (p.stableWindowSeconds !== window) d.warn("ZS-ACA-WINDOW", p.id, "stableWindow", `${p.stableWindowSeconds}s`, `becomes ${window}s: the http rule measures requests over a fixed ${window}s window`, "remove stableWindow, or deploy with knative() or docker() to choose it");
    } else {
      if (httpMetric) {
        d.warn("ZS-ACA-QUEUE-METRIC", p.id, `metric.${p.metric.type}`, p.metric.target, `is not a queue metric; Container Apps scales this queue consumer on backlog, ${ACA_DEFAULTS.defaultQueueTarget} pending messages per replica`, "scale on { queueLength: n } to choose the backlog per replica");
        metric = { type: "queueLength", target: ACA_DEFAULTS.defaultQueueTarget, capacity: ACA_DEFAULTS.defaultQueueTarget };
      }
      if (p.stableWindowSeconds !== 60) d.warn("ZS-ACA-WINDOW", p.id, "stableWindow", `${p.stableWindowSeconds}s`, "has no effect on Container Apps here: only the http rule averages, over a fixed 15 s", "remove stableWindow");
    }
    if (resource && rules !== "http") {
      d.warn("ZS-ACA-RULE-DEFAULT", p.id, `metric.${p.metric.type}`, p.metric.target, `drives the ${p.metric.type} rule only: the app's queue triggers also get their queue rules at ${ACA_DEFAULTS.defaultQueueTarget} pending messages per replica, and ACA scales on the highest rule`, "scale on { queueLength: n } to choose the backlog per replica, or split the function in two");
    }
    if (rules === "both" && !resource) {
      const other = p.metric.type === "queueLength" ? `the http rule at ACA's default concurrentRequests ${ACA_DEFAULTS.httpConcurrentRequests}` : `the queue rules at ${ACA_DEFAULTS.defaultQueueTarget} pending messages per replica`;
      d.warn("ZS-ACA-RULE-DEFAULT", p.id, `metric.${p.metric.type}`, p.metric.target, `applies to one kind of trigger only: the app's other triggers get ${other} (one policy, one metric; ACA scales on the highest rule)`, "split the function in two, one per kind of trigger, to choose each target");
    }

    const scaleDown = ACA_DEFAULTS.hpaScaleDownStabilizationSeconds;
    if (p.scaleDownDelaySeconds !== scaleDown) {
      d.warn("ZS-ACA-DOWN-DELAY", p.id, "scaleDownDelay", `${p.scaleDownDelaySeconds}s`, `becomes ${scaleDown}s on Container Apps: it sets no HPA behavior, so scale-down between replicas keeps the HPA's default stabilization window`, "nothing to do, or deploy with knative(), keda() or docker() to honour it");
    }
    if (p.burst.panicWindowPercent !== 10 || p.burst.panicThresholdPercent !== 200) d.warn("ZS-ACA-BURST", p.id, "burst", p.burst, "has no effect on Container Apps: KEDA's HPA has no panic mode", "remove burst, or deploy with knative() or docker()");

    const effective: EffectiveScaling = {
      ...base,
      minInstances: min,
      initialInstances: initial,
      metric,
      stableWindowSeconds: window,
      panicWindowSeconds: null,
      panicThreshold: null,
      timeToZeroSeconds: min === 0 ? p.idleTimeoutSeconds : null,
      scaleDownDelaySeconds: scaleDown,
      coldStart: coldStartOnAca(input, ingress, d),
    };
    return { effective, diagnostics: d.list("error").concat(d.list("warning")) };
  },
  scaler(input, options, _now) {
    // The same KEDA machinery (polling activation + cooldownPeriod, HPA sync + stabilization); the
    // ingress activates an app with an http rule at once (it holds the request), a queue app waits for its poll.
    const e = acaEngine.effective(input, options).effective;
    return new KedaScaler(e, { pollingIntervalSeconds: e.decisionIntervalSeconds, hpaSyncPeriodSeconds: ACA_DEFAULTS.hpaSyncPeriodSeconds }, acaRules(input) !== "queue");
  },
};

function ingressColdStart(ingress: boolean): ColdStartBehaviour {
  // A queue consumer has no cold-start buffer: messages wait in the broker.
  return { mode: "buffer", maxRequests: null, maxWaitSeconds: ingress ? ACA_DEFAULTS.ingressTimeoutSeconds : 0 };
}

function coldStartOnAca({ policy: p }: EngineInput, ingress: boolean, d: Diagnostics): ColdStartBehaviour {
  const platform = ingressColdStart(ingress);
  const cs = p.coldStart;
  if (cs === null) return platform;
  if (!ingress) {
    d.warn("ZS-ACA-COLD-START", p.id, "coldStart", cs, "has no effect on a queue consumer: messages wait in the broker until a replica pulls them", "remove coldStart");
  } else if (cs.mode === "reject") {
    d.warn("ZS-ACA-COLD-START", p.id, "coldStart.reject", true, `cannot be honoured: the Container Apps ingress holds requests while the app scales from zero (up to its ${ACA_DEFAULTS.ingressTimeoutSeconds}s request timeout)`, "nothing to do, or deploy with docker() / zeroscale dev to refuse at once");
  } else {
    d.warn("ZS-ACA-COLD-START", p.id, "coldStart.buffer", { maxRequests: cs.maxRequests, maxWait: `${cs.maxWaitSeconds}s` }, `is approximated: the Container Apps ingress has no per-app buffer limit and holds requests up to its fixed ${ACA_DEFAULTS.ingressTimeoutSeconds}s request timeout`, "remove coldStart, or deploy with docker() / zeroscale dev to bound the buffer");
  }
  return platform;
}
