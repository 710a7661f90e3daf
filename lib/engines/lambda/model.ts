import { Diagnostics } from "../../validation/diagnostic.js";
import type { ScalingKnob } from "../../vocabulary.js";
import { declaredScaling } from "../declared.js";
import type { ColdStartBehaviour, EffectiveScaling, EngineInput, EngineModel, EngineResult, EngineScaler } from "../types.js";
import { baselineAt } from "../zeroscale/baselines.js";
import { toAwsCron } from "./cron.js";
import { LAMBDA_DEFAULTS } from "./defaults.js";
import { LambdaScaler } from "./scaler.js";

const NOTES: Record<ScalingKnob, string> = {
  minInstances: "provisioned concurrency on the live alias (billed while configured, used or not)",
  maxInstances: "reservedConcurrentExecutions (requests beyond it are throttled, 429)",
  initialInstances: "no warm-up: only provisioned concurrency is started at deploy",
  "metric.concurrency": "one request per environment: the target is always 1",
  "metric.rps": "no rps target: one environment per concurrent request",
  "metric.cpu": "no cpu target: one environment per concurrent request",
  "metric.memory": "no memory target: one environment per concurrent request",
  "metric.queueLength": "event source mapping pollers: one batch per environment",
  targetUtilizationPercent: "no headroom setting: environments = concurrent requests",
  idleTimeout: "environments frozen (unbilled) after each request, reclaimed by AWS after ~5-15 min",
  scaleDownDelay: "no scale-down delay: idle environments are frozen at once",
  stableWindow: "no averaging window: scaled per request",
  burst: "no panic mode: up to 1,000 new environments per 10 s",
  schedule: "Application Auto Scaling scheduled actions on provisioned concurrency",
  coldStart: "each cold request waits for its own environment's Init (up to 10 s); never queued",
};

const COLD_START = (max: number): ColdStartBehaviour => ({ mode: "buffer", maxRequests: max, maxWaitSeconds: LAMBDA_DEFAULTS.initTimeoutSeconds });

/** The per-environment unit the model scales on: one request (HTTP, schedule) or one batch (queue consumers). */
export function lambdaBatchSize({ triggers }: EngineInput): number | null {
  const queues = triggers.flatMap((t) => (t.source.type === "queue" ? [t.source.batchSize] : []));
  return queues.length === 0 ? null : Math.max(...queues);
}

/**
 * The effective scaling without reserved concurrency (lambda({ reserveConcurrency: false })): the
 * function scales up to the account's unreserved pool, modelled as the default quota.
 */
export function lambdaUnreserved(e: EffectiveScaling): EffectiveScaling {
  const max = Math.max(LAMBDA_DEFAULTS.accountConcurrency, e.minInstances);
  return { ...e, maxInstances: max, coldStart: COLD_START(max) };
}

/**
 * AWS Lambda's model: one request per environment, environments started per request up to reserved
 * concurrency (maxInstances), provisioned concurrency for minInstances and baselines, and no idle
 * timeout, delay, window, panic mode or buffer to set: each differing knob is a warning naming what
 * Lambda does. Baselines whose cron does not convert to AWS's form are refused.
 */
export const lambdaEngine: EngineModel = {
  name: "lambda",
  notes: NOTES,
  effective(input: EngineInput): EngineResult {
    const { policy: p } = input;
    const d = new Diagnostics();
    const base = declaredScaling("lambda", input, { coldStart: COLD_START(p.maxInstances), decisionIntervalSeconds: LAMBDA_DEFAULTS.decisionIntervalSeconds });
    const batch = lambdaBatchSize(input);
    const say = !p.implicit; // an implicit policy declares nothing: nothing to contradict

    // The metric: one request (or one queue batch) per environment, whatever was declared.
    const metric: EffectiveScaling["metric"] =
      batch === null ? { type: "concurrency", target: LAMBDA_DEFAULTS.requestsPerEnvironment, capacity: LAMBDA_DEFAULTS.requestsPerEnvironment } : { type: "queueLength", target: batch, capacity: batch };
    const what = batch === null ? "one request per environment" : `one batch of up to ${batch} message${batch === 1 ? "" : "s"} per environment (the event source mapping's batchSize)`;
    // The per-instance capacity too: a target that works out to 1 (e.g. concurrency 50 at 2 %) still declares 50 per instance.
    if (say && (p.metric.type !== metric.type || base.metric.target !== metric.target || base.metric.capacity !== metric.capacity)) {
      d.warn("ZS-LAMBDA-METRIC", p.id, `metric.${p.metric.type}`, p.metric.target, `is not a Lambda setting: Lambda runs ${what}, so the effective target is ${metric.type} ${metric.target}`, batch === null ? "remove the metric, or deploy with knative() or docker() to scale on it" : "set the queue trigger's batchSize to the messages one instance should take");
    }
    if (say && p.targetUtilizationPercent !== 70 && batch === null && base.metric.target !== metric.target) {
      d.warn("ZS-LAMBDA-UTILIZATION", p.id, "targetUtilizationPercent", p.targetUtilizationPercent, "has no effect on Lambda: it starts one environment per concurrent request, with no headroom", "remove targetUtilizationPercent");
    }
    const initial = p.minInstances;
    if (base.initialInstances !== initial) {
      d.warn("ZS-LAMBDA-INITIAL", p.id, "initialInstances", p.initialInstances, `has no Lambda equivalent: a deploy starts ${initial} environment${initial === 1 ? "" : "s"} (the provisioned concurrency)`, "leave initialInstances at its default, or raise minInstances (billed)");
    }
    const timeToZero = p.minInstances === 0 ? LAMBDA_DEFAULTS.environmentReclaimSeconds : null;
    if (p.minInstances === 0) {
      d.warn("ZS-LAMBDA-IDLE", p.id, "idleTimeout", `${p.idleTimeoutSeconds ?? 0}s`, `is not a Lambda setting: billing stops at the end of each request, and AWS reclaims idle environments after an unspecified time (zeroscale models ${LAMBDA_DEFAULTS.environmentReclaimSeconds}s; observed 5-15 min)`, "nothing to do (an idle Lambda costs nothing); set minInstances for warm environments (provisioned concurrency, billed)");
    }
    if (p.scaleDownDelaySeconds !== 0) {
      d.warn("ZS-LAMBDA-DOWN-DELAY", p.id, "scaleDownDelay", `${p.scaleDownDelaySeconds}s`, "has no effect on Lambda: an environment is frozen as soon as its request ends, and reclaimed when AWS decides", "remove scaleDownDelay");
    }
    if (p.stableWindowSeconds !== 60) {
      d.warn("ZS-LAMBDA-WINDOW", p.id, "stableWindow", `${p.stableWindowSeconds}s`, "has no effect on Lambda: it scales per request, over no window", "remove stableWindow");
    }
    if (p.burst.panicWindowPercent !== 10 || p.burst.panicThresholdPercent !== 200) {
      d.warn("ZS-LAMBDA-BURST", p.id, "burst", p.burst, `has no effect on Lambda: it has no panic mode, and starts up to ${LAMBDA_DEFAULTS.scaleUpPerTenSeconds} environments per 10 s per function`, "remove burst");
    }
    for (const [i, b] of p.schedule.entries()) {
      for (const edge of ["start", "end"] as const) {
        const aws = toAwsCron(b[edge]);
        if (!aws.ok) d.error("ZS-LAMBDA-CRON", p.id, `schedule[${i}].${edge}`, b[edge], `${aws.problem} (an Application Auto Scaling scheduled action takes AWS's cron form)`, aws.fix);
      }
    }
    const coldStart = COLD_START(p.maxInstances);
    const cs = p.coldStart;
    if (cs !== null && batch === null) {
      if (cs.mode === "reject") {
        d.warn("ZS-LAMBDA-COLD-START", p.id, "coldStart.reject", true, `cannot be honoured: Lambda starts an environment for each cold request and the request waits for its Init (up to ${LAMBDA_DEFAULTS.initTimeoutSeconds}s); only requests beyond maxInstances are refused (429)`, "remove coldStart, or set minInstances (provisioned concurrency) to avoid cold starts");
      } else if (cs.maxRequests !== p.maxInstances || cs.maxWaitSeconds !== LAMBDA_DEFAULTS.initTimeoutSeconds) {
        d.warn("ZS-LAMBDA-COLD-START", p.id, "coldStart.buffer", { maxRequests: cs.maxRequests, maxWait: `${cs.maxWaitSeconds}s` }, `is approximated: no request is queued; each waits for its own environment's Init (up to ${LAMBDA_DEFAULTS.initTimeoutSeconds}s), up to maxInstances (${p.maxInstances}) at once`, "remove coldStart, or set minInstances (provisioned concurrency) to avoid cold starts");
      }
    } else if (cs !== null) {
      d.warn("ZS-LAMBDA-COLD-START", p.id, "coldStart", cs, "has no effect on a queue consumer: messages wait in the broker until the event source mapping polls them", "remove coldStart");
    }
    const effective: EffectiveScaling = {
      ...base,
      initialInstances: initial,
      metric,
      panicWindowSeconds: null,
      panicThreshold: null,
      timeToZeroSeconds: timeToZero,
      scaleDownDelaySeconds: 0,
      coldStart,
    };
    return { effective, diagnostics: d.list("error").concat(d.list("warning")) };
  },
  scaler(input: EngineInput): EngineScaler {
    const e = lambdaEngine.effective(input).effective;
    return new LambdaScaler(e, (ms) => baselineAt(e.baselines, ms));
  },
};
