import type { EngineName } from "../vocabulary.js";
import { panicWindowSeconds } from "./knative/resolve.js";
import type { ColdStartBehaviour, EffectiveScaling, EngineInput, LoadSample } from "./types.js";

/** The per-instance capacity a policy declares: the metric target (concurrency capped by the function's limit). */
export function declaredCapacity({ fn, policy }: EngineInput): number {
  return policy.metric.type === "concurrency" ? Math.min(policy.metric.target, fn.concurrency) : policy.metric.target;
}

/** Whether utilization applies to the metric (it is a headroom on request metrics; cpu/memory/queue targets are used as given). */
export function usesUtilization(type: EngineInput["policy"]["metric"]["type"]): boolean {
  return type === "concurrency" || type === "rps";
}

/**
 * What the policy declares, in EffectiveScaling terms: what an engine that honours every knob does
 * (zeroscale's own engine). Other models start from this and change what their engine changes,
 * saying so with a diagnostic.
 */
export function declaredScaling(engine: EngineName, input: EngineInput, defaults: { coldStart: ColdStartBehaviour; decisionIntervalSeconds: number }): EffectiveScaling {
  const { fn, policy: p } = input;
  const capacity = declaredCapacity(input);
  const target = usesUtilization(p.metric.type) ? Math.max(0.01, (capacity * p.targetUtilizationPercent) / 100) : capacity;
  return {
    engine,
    function: fn.id,
    policy: p.id,
    minInstances: p.minInstances,
    maxInstances: p.maxInstances,
    initialInstances: Math.min(Math.max(p.initialInstances, p.minInstances), p.maxInstances),
    metric: { type: p.metric.type, target, capacity },
    stableWindowSeconds: p.stableWindowSeconds,
    panicWindowSeconds: panicWindowSeconds(p.stableWindowSeconds, p.burst.panicWindowPercent),
    panicThreshold: p.burst.panicThresholdPercent / 100,
    timeToZeroSeconds: p.minInstances === 0 ? p.idleTimeoutSeconds : null,
    scaleDownDelaySeconds: p.scaleDownDelaySeconds,
    baselines: p.schedule.map((b) => ({ ...b })),
    coldStart: p.coldStart === null ? defaults.coldStart : p.coldStart.mode === "reject" ? { mode: "reject" } : { ...p.coldStart },
    decisionIntervalSeconds: defaults.decisionIntervalSeconds,
  };
}

/** The summed utilization of the ready instances for a cpu/memory metric (percent x instances), as the HPA sees it. */
export function resourceLoad(sample: LoadSample, type: "cpu" | "memory", ready: number): number {
  return ((type === "cpu" ? sample.cpuPercent : sample.memoryPercent) ?? 0) * Math.max(1, ready);
}
