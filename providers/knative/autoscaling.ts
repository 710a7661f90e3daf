import type { FunctionNode, ScalingPolicyNode, TriggerNode } from "../../lib/index.js";
import { type EffectiveScaling, knativeEngine, knativeRetentionSeconds, memoryTargetMiB } from "../../lib/engines/index.js";
import type { KubeContext } from "../kubernetes/plan.js";

const A = "autoscaling.knative.dev/";

/** What a ScalingPolicy becomes on Knative. */
export interface KnativeScaling {
  /** `autoscaling.knative.dev/*` annotations for `spec.template.metadata.annotations`. */
  readonly annotations: Record<string, string>;
  /** The Knative model's effective behaviour (lib/engines/knative). */
  readonly effective: EffectiveScaling;
}

/**
 * Map a policy to Knative's revision annotations. The meaning (min, max, initial, target, time to
 * zero, and every diagnostic) comes from the Knative engine model; this only writes it as annotations.
 */
export function knativeScaling(ctx: KubeContext, fn: FunctionNode, p: ScalingPolicyNode, triggers: readonly TriggerNode[], graceSeconds: number, allowZeroInitialScale: boolean): KnativeScaling {
  const { effective: e, diagnostics } = knativeEngine.effective({ fn, policy: p, triggers }, { gracePeriodSeconds: graceSeconds, allowZeroInitialScale });
  for (const d of diagnostics) ctx.diags.add(d);
  const a: Record<string, string> = {};
  const hpa = p.metric.type === "cpu" || p.metric.type === "memory";
  a[`${A}class`] = hpa ? "hpa.autoscaling.knative.dev" : "kpa.autoscaling.knative.dev";
  a[`${A}metric`] = p.metric.type === "queueLength" ? "concurrency" : p.metric.type;
  a[`${A}target`] = String(p.metric.type === "memory" ? memoryTargetMiB(fn.memory, p.metric.target) : e.metric.capacity);
  if (!hpa) a[`${A}target-utilization-percentage`] = String(p.targetUtilizationPercent);
  a[`${A}min-scale`] = String(e.minInstances);
  a[`${A}max-scale`] = String(e.maxInstances);
  a[`${A}initial-scale`] = String(e.initialInstances);
  if (!hpa) {
    a[`${A}window`] = `${p.stableWindowSeconds}s`;
    a[`${A}panic-window-percentage`] = String(p.burst.panicWindowPercent);
    a[`${A}panic-threshold-percentage`] = String(p.burst.panicThresholdPercent);
    if (e.timeToZeroSeconds !== null && p.idleTimeoutSeconds !== null) {
      const retention = knativeRetentionSeconds(p.idleTimeoutSeconds, p.stableWindowSeconds);
      if (retention > 0) a[`${A}scale-to-zero-pod-retention-period`] = `${retention}s`;
    }
  }
  if (!hpa && e.scaleDownDelaySeconds > 0) a[`${A}scale-down-delay`] = `${e.scaleDownDelaySeconds}s`;
  return { annotations: a, effective: e };
}
