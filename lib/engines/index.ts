/**
 * The engine registry: one model per scaling engine, the one place that turns a function + policy
 * into that engine's effective behaviour and runs its scaler. Backends, the runtime, replay, the synth
 * summary, the matchers and the capability tables all ask here.
 */
import type { DeploymentGraph, FunctionNode, ScalingPolicyNode, TriggerNode } from "../graph/types.js";
import type { EngineName } from "../vocabulary.js";
import { acaEngine } from "./aca/model.js";
import { cloudRunEngine } from "./cloudrun/model.js";
import { kedaEngine } from "./keda/model.js";
import { lambdaEngine } from "./lambda/model.js";
import { knativeEngine } from "./knative/model.js";
import type { EngineInput, EngineModel } from "./types.js";
import { zeroscaleEngine } from "./zeroscale/model.js";

/** Every engine's model, by name: adding an engine to ENGINES fails to compile here until it has one. */
export const ENGINE_MODELS: { readonly [E in EngineName]: EngineModel<never> } = {
  zeroscale: zeroscaleEngine,
  knative: knativeEngine,
  keda: kedaEngine,
  cloudrun: cloudRunEngine,
  aca: acaEngine,
  lambda: lambdaEngine,
};

/** The model of an engine. */
export function engineModel(name: EngineName): EngineModel<unknown> {
  return ENGINE_MODELS[name] as EngineModel<unknown>;
}

/** The engine input of each function of a graph: the function, its policy and its triggers. */
export function engineInputs(graph: DeploymentGraph): EngineInput[] {
  const policies = new Map<string, ScalingPolicyNode>();
  const triggers = new Map<string, TriggerNode[]>();
  for (const n of graph.nodes) {
    if (n.kind === "scalingPolicy") policies.set(n.target, n);
    else if (n.kind === "trigger") triggers.set(n.target, [...(triggers.get(n.target) ?? []), n]);
  }
  return graph.nodes
    .filter((n): n is FunctionNode => n.kind === "function")
    .map((fn) => ({ fn, policy: policies.get(fn.id) as ScalingPolicyNode, triggers: triggers.get(fn.id) ?? [] }));
}

/** The engine input of one function of a graph. */
export function engineInput(graph: DeploymentGraph, fnId: string): EngineInput {
  const input = engineInputs(graph).find((i) => i.fn.id === fnId);
  if (!input) throw new Error(`no function "${fnId}" in the graph (functions: ${engineInputs(graph).map((i) => i.fn.id).join(", ")})`);
  return input;
}

export { kedaEngine, type KedaEngineOptions, kedaAutoscaler, httpTargetValue } from "./keda/model.js";
export { knativeEngine, type KnativeEngineOptions, knativeRetentionSeconds, memoryTargetMiB } from "./knative/model.js";
export { zeroscaleEngine } from "./zeroscale/model.js";
export { KNATIVE_DEFAULTS } from "./knative/defaults.js";
export { KEDA_DEFAULTS } from "./keda/defaults.js";
export { ZEROSCALE_DEFAULTS } from "./zeroscale/defaults.js";
export { replayEngine, lastActivity, type Trace, type EngineReplayOptions, type ReplayPoint } from "./replay.js";
export type * from "./types.js";
