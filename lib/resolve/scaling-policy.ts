import type { ColdStartData, FunctionNode, MetricType, ScalingPolicyNode } from "../graph/types.js";
import type { ScalingPolicyOptions } from "../scaling-policy.js";
import type { Checker } from "../validation/checker.js";
import { DEFAULT_TIMEZONE } from "./trigger.js";

/** Defaults of a ScalingPolicy, after Knative's (shared defaults: docs/constructs.md says why where they differ). */
export const POLICY_DEFAULTS = {
  minInstances: 0,
  maxInstances: 10,
  targetUtilizationPercent: 70,
  idleTimeoutSeconds: 90,
  scaleDownDelaySeconds: 0,
  stableWindowSeconds: 60,
  panicWindowPercent: 10,
  panicThresholdPercent: 200,
  coldStartMaxRequests: 1000,
  coldStartMaxWaitSeconds: 30,
} as const;

const METRIC_RANGES: Record<MetricType, { min: number; max: number; integer: boolean; unit: string }> = {
  concurrency: { min: 1, max: 1000, integer: false, unit: "in-flight requests per instance" },
  rps: { min: 0.01, max: 100_000, integer: false, unit: "requests per second per instance" },
  cpu: { min: 1, max: 100, integer: true, unit: "percent of the CPU request" },
  memory: { min: 1, max: 100, integer: true, unit: "percent of the memory request" },
  queueLength: { min: 1, max: 1_000_000, integer: true, unit: "pending messages per instance" },
};

/**
 * Validate a policy's props into a graph node. `fn` is the resolved target (for the concurrency
 * default and limit); `explicit` is false for the implicit default policy.
 */
export function resolvePolicy(c: Checker, id: string, name: string, fn: FunctionNode, props: ScalingPolicyOptions, explicit: boolean): ScalingPolicyNode {
  const min = c.int("ZS-SCALING-MIN", "minInstances", props.minInstances, POLICY_DEFAULTS.minInstances, 0, 1000);
  const max = c.int("ZS-SCALING-MAX", "maxInstances", props.maxInstances, Math.max(POLICY_DEFAULTS.maxInstances, min), 1, 1000);
  if (min > max) {
    c.error("ZS-SCALING-MIN-MAX", "maxInstances", max, `is below minInstances (${min})`, `set maxInstances >= ${min} or lower minInstances`);
  }
  const initial = c.int("ZS-SCALING-INITIAL", "initialInstances", props.initialInstances, Math.min(Math.max(1, min), max), 0, 1000);
  if (props.initialInstances !== undefined && initial > max) {
    c.error("ZS-SCALING-INITIAL", "initialInstances", initial, `is above maxInstances (${max})`, `set initialInstances <= ${max}`);
  }
  const metric = resolveMetric(c, fn, props);
  const idle = c.seconds("ZS-SCALING-IDLE", "idleTimeout", props.idleTimeout, POLICY_DEFAULTS.idleTimeoutSeconds, 1, 3600);
  if (min > 0 && props.idleTimeout !== undefined) {
    c.warn("ZS-SCALING-IDLE-UNUSED", "idleTimeout", String(props.idleTimeout), `has no effect: minInstances is ${min}, so the function never scales to zero`, "remove idleTimeout or set minInstances: 0");
  }
  const burst = props.burst ?? {};
  return {
    kind: "scalingPolicy",
    id,
    name,
    target: fn.id,
    implicit: !explicit,
    minInstances: min,
    maxInstances: max,
    initialInstances: initial,
    metric,
    targetUtilizationPercent: c.num("ZS-SCALING-UTILIZATION", "targetUtilizationPercent", props.targetUtilizationPercent, POLICY_DEFAULTS.targetUtilizationPercent, 1, 100),
    idleTimeoutSeconds: min > 0 ? null : idle,
    scaleDownDelaySeconds: c.seconds("ZS-SCALING-DOWN-DELAY", "scaleDownDelay", props.scaleDownDelay, POLICY_DEFAULTS.scaleDownDelaySeconds, 0, 3600),
    stableWindowSeconds: c.seconds("ZS-SCALING-WINDOW", "stableWindow", props.stableWindow, POLICY_DEFAULTS.stableWindowSeconds, 6, 3600),
    burst: {
      panicWindowPercent: c.num("ZS-SCALING-PANIC-WINDOW", "burst.panicWindowPercent", burst.panicWindowPercent, POLICY_DEFAULTS.panicWindowPercent, 1, 100),
      panicThresholdPercent: c.num("ZS-SCALING-PANIC-THRESHOLD", "burst.panicThresholdPercent", burst.panicThresholdPercent, POLICY_DEFAULTS.panicThresholdPercent, 110, 1000),
    },
    schedule: resolveBaselines(c, props, max),
    coldStart: resolveColdStart(c, props),
  };
}

function resolveColdStart(c: Checker, props: ScalingPolicyOptions): ColdStartData | null {
  const cs = props.coldStart;
  if (cs === undefined) return null; // each engine's own default (lib/engines/*/defaults.ts)
  if ("reject" in cs) return { mode: "reject" };
  const buffer = cs.buffer ?? {};
  return {
    mode: "buffer",
    maxRequests: c.int("ZS-SCALING-COLD-START", "coldStart.buffer.maxRequests", buffer.maxRequests, POLICY_DEFAULTS.coldStartMaxRequests, 1, 100_000),
    maxWaitSeconds: c.seconds("ZS-SCALING-COLD-START", "coldStart.buffer.maxWait", buffer.maxWait, POLICY_DEFAULTS.coldStartMaxWaitSeconds, 1, 600),
  };
}

function resolveMetric(c: Checker, fn: FunctionNode, props: ScalingPolicyOptions): ScalingPolicyNode["metric"] {
  const fallback = { type: "concurrency" as const, target: fn.concurrency };
  if (props.metric === undefined) return fallback;
  const keys = Object.keys(props.metric);
  if (keys.length !== 1 || !(keys[0] as string in METRIC_RANGES)) {
    c.error("ZS-SCALING-METRIC", "metric", props.metric, "is not one metric", `pass an object with exactly one of ${Object.keys(METRIC_RANGES).join(", ")}, e.g. { concurrency: 50 }`);
    return fallback;
  }
  const type = keys[0] as MetricType;
  const value = (props.metric as Record<string, number>)[type] as number;
  const range = METRIC_RANGES[type];
  const prop = `metric.${type}`;
  if (!Number.isFinite(value) || value < range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
    c.error("ZS-SCALING-METRIC", prop, value, `is outside ${range.min}..${range.max} (${range.unit})`, `set ${prop} from ${range.min} to ${range.max}${range.integer ? ", a whole number" : ""}`);
    return fallback;
  }
  if (type === "concurrency" && value > fn.concurrency) {
    c.error("ZS-SCALING-METRIC-ABOVE-LIMIT", prop, value, `is above the function's concurrency limit (${fn.concurrency})`, `set ${prop} <= ${fn.concurrency}, or raise concurrency on ${fn.id}`);
  }
  return { type, target: value };
}

function resolveBaselines(c: Checker, props: ScalingPolicyOptions, max: number): ScalingPolicyNode["schedule"] {
  return (props.schedule ?? []).map((b, i) => {
    const prop = `schedule.${i}`;
    const timezone = b.timezone ?? DEFAULT_TIMEZONE;
    const tzOk = c.timezone("ZS-SCALING-SCHEDULE-TZ", `${prop}.timezone`, timezone);
    c.cron("ZS-SCALING-SCHEDULE-CRON", `${prop}.start`, b.start, tzOk ? timezone : DEFAULT_TIMEZONE, false);
    c.cron("ZS-SCALING-SCHEDULE-CRON", `${prop}.end`, b.end, tzOk ? timezone : DEFAULT_TIMEZONE, false);
    const minInstances = c.int("ZS-SCALING-SCHEDULE-MIN", `${prop}.minInstances`, b.minInstances, 1, 1, 1000);
    if (minInstances > max)
      c.error("ZS-SCALING-SCHEDULE-MIN", `${prop}.minInstances`, minInstances, `is above maxInstances (${max})`, `set it <= ${max} or raise maxInstances`);
    return { start: b.start, end: b.end, timezone, minInstances };
  });
}
