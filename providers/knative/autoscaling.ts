import { type FunctionNode, parseQuantityValue, type ScalingPolicyNode } from "../../lib/index.js";
import type { KubeContext } from "../kubernetes/plan.js";

const A = "autoscaling.knative.dev/";

/** What a ScalingPolicy becomes on Knative. */
export interface KnativeScaling {
  /** `autoscaling.knative.dev/*` annotations for `spec.template.metadata.annotations`. */
  readonly annotations: Record<string, string>;
  readonly minInstances: number;
  readonly maxInstances: number;
  /** Seconds from the last request to zero, as Knative really does it (null: never). */
  readonly idleTimeoutSeconds: number | null;
}

/**
 * Map a policy to Knative's revision annotations.
 *
 * Idle timeout: Knative's proposal reaches 0 once the stable window W holds no requests (W after the
 * last one); the revision then goes inactive and its pods are removed after
 * max(scale-to-zero-grace-period G, scale-to-zero-pod-retention-period R). So time to zero is
 * W + max(G, R). zeroscale sets R = T - W for an idle timeout T; T is honoured exactly when T >= W + G,
 * and otherwise Knative reaches zero at W + G (a warning says so).
 */
export function knativeScaling(ctx: KubeContext, fn: FunctionNode, p: ScalingPolicyNode, graceSeconds: number, allowZeroInitialScale: boolean): KnativeScaling {
  const a: Record<string, string> = {};
  const hpa = p.metric.type === "cpu" || p.metric.type === "memory";
  let min = p.minInstances;
  if (p.metric.type === "queueLength") {
    ctx.diags.warn("ZS-KNATIVE-QUEUE-METRIC", p.id, "metric.queueLength", p.metric.target, `is approximated on Knative: its sources push each message as a request, so the function scales on in-flight deliveries (concurrency target ${fn.concurrency})`, "nothing to do; deploy with keda() to scale on backlog itself");
  }
  if (p.schedule.length > 0) {
    ctx.diags.error("ZS-KNATIVE-SCHEDULE-BASELINE", p.id, "schedule", p.schedule, "has no Knative equivalent (min-scale is static)", "remove the baselines, raise minInstances, or deploy this app with keda() (cron scaler)");
  }
  a[`${A}class`] = hpa ? "hpa.autoscaling.knative.dev" : "kpa.autoscaling.knative.dev";
  a[`${A}metric`] = p.metric.type === "queueLength" ? "concurrency" : p.metric.type;
  if (p.metric.type === "memory") {
    // Knative's HPA class reads a memory target as MiB per pod, not a percentage.
    const mib = Math.max(1, Math.floor(((parseQuantityValue(fn.memory) ?? 0) * p.metric.target) / 100 / 2 ** 20));
    a[`${A}target`] = String(mib);
    ctx.diags.warn("ZS-KNATIVE-MEMORY-TARGET", p.id, "metric.memory", p.metric.target, `is mapped to an average of ${mib}Mi per pod (Knative's HPA class takes MiB, not percent)`, "nothing to do; set metric.memory so the MiB value suits");
  } else {
    a[`${A}target`] = String(p.metric.type === "queueLength" ? fn.concurrency : p.metric.target);
  }
  if (hpa && min === 0) {
    ctx.diags.warn("ZS-KNATIVE-HPA-ZERO", p.id, "minInstances", 0, `cannot be 0 with metric ${p.metric.type}: Knative's HPA class never scales to zero, so min-scale is 1`, "scale on concurrency or rps for idle-zero, or set minInstances: 1");
    min = 1;
  }
  if (!hpa) a[`${A}target-utilization-percentage`] = String(p.targetUtilizationPercent);
  a[`${A}min-scale`] = String(min);
  a[`${A}max-scale`] = String(p.maxInstances);
  let initial = p.initialInstances;
  if (initial === 0 && !allowZeroInitialScale) {
    ctx.diags.warn("ZS-KNATIVE-INITIAL-ZERO", p.id, "initialInstances", 0, "needs the cluster setting allow-zero-initial-scale, which is off by default; initial-scale 1 is used", "pass knative({ allowZeroInitialScale: true }) if your cluster allows it");
    initial = 1;
  }
  a[`${A}initial-scale`] = String(initial);
  let idle: number | null = null;
  if (!hpa) {
    const w = p.stableWindowSeconds;
    a[`${A}window`] = `${w}s`;
    a[`${A}panic-window-percentage`] = String(p.burst.panicWindowPercent);
    a[`${A}panic-threshold-percentage`] = String(p.burst.panicThresholdPercent);
    if (min === 0 && p.idleTimeoutSeconds !== null) {
      const t = p.idleTimeoutSeconds;
      const retention = Math.max(0, t - w);
      if (retention > 0) a[`${A}scale-to-zero-pod-retention-period`] = `${retention}s`;
      idle = w + Math.max(graceSeconds, retention);
      if (idle !== t) {
        ctx.diags.warn("ZS-KNATIVE-IDLE", p.id, "idleTimeout", `${t}s`, `becomes ${idle}s on Knative: stable window (${w}s) + max(grace period ${graceSeconds}s, retention ${retention}s)`, `set idleTimeout >= ${w + graceSeconds}s, or a shorter stableWindow`);
      }
    }
  }
  if (p.scaleDownDelaySeconds > 0) a[`${A}scale-down-delay`] = `${p.scaleDownDelaySeconds}s`;
  return { annotations: a, minInstances: min, maxInstances: p.maxInstances, idleTimeoutSeconds: idle };
}
