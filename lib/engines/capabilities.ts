/**
 * Capability cells measured from the engine models: for every scaling knob, a probe policy that sets
 * it to a non-default value, in an HTTP-triggered and a queue-triggered function. A cell is
 * "honoured" only when the model's effective value equals the declared one with no diagnostic,
 * "unsupported" when the model refuses it (an error), and "approximate" otherwise. So a capability
 * table cannot claim "yes" for something the engine does differently.
 */
import type { FunctionNode, ScalingPolicyNode, TriggerNode } from "../graph/types.js";
import type { Diagnostic } from "../validation/diagnostic.js";
import { type EngineName, SCALING_KNOBS, type ScalingKnob } from "../vocabulary.js";
import { declaredScaling } from "./declared.js";
import type { EffectiveScaling, EngineInput, EngineModel } from "./types.js";
import { ENGINE_MODELS } from "./index.js";

/** How an engine treats a knob. */
export type KnobSupport = "honoured" | "approximate" | "unsupported";

/** The function context a probe runs in. */
export type ProbeContext = "http" | "queue";

/** One measured (engine x knob x context) cell. */
export interface KnobCell {
  readonly engine: EngineName;
  readonly knob: ScalingKnob;
  readonly context: ProbeContext;
  readonly support: KnobSupport;
  /** The effective value of the fields the knob drives, and what was declared. */
  readonly effective: unknown;
  readonly declared: unknown;
  /** Codes of the diagnostics the model gave for this knob. */
  readonly codes: readonly string[];
  /** The effective value differs from the declared one and the model said nothing: always a bug. */
  readonly silent: boolean;
}

const FN: FunctionNode = {
  kind: "function", id: "probe/fn", name: "probe-fn", source: { type: "image", image: "r.example.com/probe:1" }, port: 8080, env: {}, secrets: {},
  memory: "256Mi", cpu: "250m", timeoutSeconds: 30, concurrency: 10, readinessPath: "/", command: null, args: null, labels: {},
  security: { runAsNonRoot: true, runAsUser: 65532, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, relaxed: [] },
};
const POLICY: ScalingPolicyNode = {
  kind: "scalingPolicy", id: "probe/fn/scaling", name: "probe-fn-scaling", target: FN.id, implicit: false, minInstances: 0, maxInstances: 10, initialInstances: 1,
  metric: { type: "concurrency", target: 10 }, targetUtilizationPercent: 70, idleTimeoutSeconds: 90, scaleDownDelaySeconds: 0, stableWindowSeconds: 60,
  burst: { panicWindowPercent: 10, panicThresholdPercent: 200 }, schedule: [], coldStart: null,
};
const TRIGGERS: Record<ProbeContext, TriggerNode> = {
  http: { kind: "trigger", id: "probe/http", name: "probe-http", target: FN.id, source: { type: "http", path: "/p", methods: [], host: null }, delivery: null },
  queue: { kind: "trigger", id: "probe/q", name: "probe-q", target: FN.id, source: { type: "queue", broker: "redis", connection: { url: "redis://r:6379" }, name: "p", consumerGroup: "g", batchSize: 1 }, delivery: { retries: 3, backoff: { policy: "exponential", delayMs: 1000 }, deadLetter: null, timeoutSeconds: 30 } },
};

type Probe = { readonly policy: Partial<ScalingPolicyNode>; readonly contexts: readonly ProbeContext[]; readonly fields: (e: EffectiveScaling) => unknown; readonly props: readonly string[] };

const both = ["http", "queue"] as const;
const metricProbe = (type: ScalingPolicyNode["metric"]["type"], target: number, contexts: readonly ProbeContext[]): Probe => ({
  policy: { metric: { type, target } },
  contexts,
  fields: (e) => ({ metric: e.metric, min: e.minInstances, timeToZero: e.timeToZeroSeconds }),
  props: [`metric.${type}`, "minInstances"],
});

/** One probe per knob: the policy change, where it applies, the effective fields it drives and the props its diagnostics name. */
const PROBES: Record<ScalingKnob, Probe> = {
  minInstances: { policy: { minInstances: 2, initialInstances: 2, idleTimeoutSeconds: null }, contexts: both, fields: (e) => e.minInstances, props: ["minInstances"] },
  maxInstances: { policy: { maxInstances: 7 }, contexts: both, fields: (e) => e.maxInstances, props: ["maxInstances"] },
  initialInstances: { policy: { initialInstances: 3 }, contexts: both, fields: (e) => e.initialInstances, props: ["initialInstances"] },
  "metric.concurrency": metricProbe("concurrency", 5, both),
  "metric.rps": metricProbe("rps", 5, both),
  "metric.cpu": metricProbe("cpu", 60, both),
  "metric.memory": metricProbe("memory", 60, both),
  "metric.queueLength": metricProbe("queueLength", 20, ["queue"]),
  targetUtilizationPercent: { policy: { targetUtilizationPercent: 50 }, contexts: ["http"], fields: (e) => e.metric.target, props: ["targetUtilizationPercent"] },
  idleTimeout: { policy: { idleTimeoutSeconds: 10 }, contexts: both, fields: (e) => e.timeToZeroSeconds, props: ["idleTimeout"] },
  scaleDownDelay: { policy: { scaleDownDelaySeconds: 20 }, contexts: both, fields: (e) => e.scaleDownDelaySeconds, props: ["scaleDownDelay"] },
  stableWindow: { policy: { stableWindowSeconds: 30 }, contexts: both, fields: (e) => e.stableWindowSeconds, props: ["stableWindow"] },
  burst: { policy: { burst: { panicWindowPercent: 20, panicThresholdPercent: 300 } }, contexts: ["http"], fields: (e) => ({ window: e.panicWindowSeconds, threshold: e.panicThreshold }), props: ["burst"] },
  schedule: { policy: { schedule: [{ start: "0 8 * * 1-5", end: "0 18 * * 1-5", timezone: "Europe/Berlin", minInstances: 2 }] }, contexts: both, fields: (e) => e.baselines, props: ["schedule"] },
  coldStart: { policy: { coldStart: { mode: "buffer", maxRequests: 50, maxWaitSeconds: 10 } }, contexts: ["http"], fields: (e) => e.coldStart, props: ["coldStart", "coldStart.buffer", "coldStart.reject"] },
};

/** The one engine registry (./index.ts). */
const MODELS: { readonly [E in EngineName]: EngineModel<never> } = ENGINE_MODELS;

function probeInput(probe: Probe, context: ProbeContext): EngineInput {
  const policy = { ...POLICY, ...probe.policy } as ScalingPolicyNode;
  return { fn: FN, policy, triggers: [TRIGGERS[context]] };
}

/** Measure one cell: run the engine's model on the knob's probe. */
export function measureKnob(engine: EngineName, knob: ScalingKnob, context: ProbeContext): KnobCell {
  const probe = PROBES[knob];
  const input = probeInput(probe, context);
  const { effective, diagnostics } = (MODELS[engine] as EngineModel<unknown>).effective(input);
  const declared = probe.fields(declaredScaling(engine, input, { coldStart: effective.coldStart, decisionIntervalSeconds: effective.decisionIntervalSeconds }));
  const actual = probe.fields(effective);
  const own = diagnostics.filter((d: Diagnostic) => probe.props.some((p) => d.prop === p || d.prop.startsWith(`${p}.`)));
  const anyError = diagnostics.some((d) => d.severity === "error");
  const same = JSON.stringify(actual) === JSON.stringify(declared);
  const support: KnobSupport = anyError ? "unsupported" : same && own.length === 0 ? "honoured" : "approximate";
  return { engine, knob, context, support, effective: actual, declared, codes: [...new Set([...own, ...diagnostics.filter((d) => d.severity === "error")].map((d) => d.code))].sort(), silent: !same && !anyError && own.length === 0 };
}

/** The contexts a knob's probe runs in. */
export function knobContexts(knob: ScalingKnob): readonly ProbeContext[] {
  return PROBES[knob].contexts;
}

/** Every cell of one engine. */
export function measureEngine(engine: EngineName): KnobCell[] {
  return SCALING_KNOBS.flatMap((knob) => PROBES[knob].contexts.map((context) => measureKnob(engine, knob, context)));
}

/** One capability-table cell per knob for an engine: the worst support over its contexts, with the codes and where it differs. */
export function engineCapabilities(engine: EngineName): Record<ScalingKnob, readonly [KnobSupport, string]> {
  const out = {} as Record<ScalingKnob, readonly [KnobSupport, string]>;
  const rank: Record<KnobSupport, number> = { honoured: 0, approximate: 1, unsupported: 2 };
  for (const knob of SCALING_KNOBS) {
    const cells = PROBES[knob].contexts.map((c) => measureKnob(engine, knob, c));
    const worst = cells.reduce((w, c) => (rank[c.support] > rank[w.support] ? c : w));
    const mixed = new Set(cells.map((c) => c.support)).size > 1;
    let support = worst.support;
    if (mixed && support === "unsupported") support = "approximate"; // honoured in some contexts
    const codes = [...new Set(cells.flatMap((c) => c.codes))].sort();
    const where = mixed ? ` (${cells.map((c) => `${c.context}: ${c.support === "honoured" ? "yes" : c.support === "approximate" ? "approx." : "no"}`).join(", ")})` : "";
    out[knob] = [support, `${MODELS[engine].notes[knob]}${where}${codes.length ? ` (${codes.join(", ")})` : ""}`];
  }
  return out;
}
