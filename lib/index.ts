export { App, type AppProps } from "./app.js";
export { Duration, type DurationLike } from "./duration.js";
export {
  EventTrigger,
  type EventTriggerProps,
  type HttpSource,
  type QueueBroker,
  type QueueSource,
  type ScheduleSource,
  type TriggerSourceProps,
  type BackoffProps,
  type DeadLetter,
  type DeadLetterQueue,
  type DeliveryProps,
} from "./event-trigger.js";
export { backoffDelayMs, describeDelivery, type DeliveryMode, type DeliveryOptions, type EffectiveDelivery } from "./events/delivery.js";
export { DELIVERY_MODELS, effectiveDelivery } from "./events/models.js";
export { CONTRACT, type ContractCell, type EngineContract, type Envelope } from "./events/contract.js";
export { derivedMessageId, type EncodedEvent, type EnvelopeStyle, type QueueMessageIn, zeroscaleSource } from "./events/event-types.js";
export { parseEvent, parseEvents, NotAnEventError, type ZeroscaleEvent } from "./events/parse.js";
export type { EventContext } from "./events/context.js";
export { graphSchemaErrors, GRAPH_SCHEMA } from "./graph/schema.js";
export { summarizeGraph } from "./graph/summary.js";
export { toDot, toMermaid } from "./graph/render.js";
export * from "./graph/types.js";
export * from "./vocabulary.js";
export { deriveName, MAX_WORKLOAD_NAME } from "./names.js";
export { FUNCTION_DEFAULTS } from "./resolve/function.js";
export { POLICY_DEFAULTS } from "./resolve/scaling-policy.js";
export {
  type BurstOptions,
  type ColdStartPolicy,
  type ScalingMetric,
  ScalingPolicy,
  type ScalingPolicyOptions,
  type ScalingPolicyProps,
  type ScheduleBaseline,
} from "./scaling-policy.js";
export {
  type BuildSource,
  type CodeSource,
  type SecretRef,
  type SecurityOptions,
  ServerlessFunction,
  type ServerlessFunctionProps,
} from "./serverless-function.js";
export { synth, type SynthOptions } from "./synth.js";
export { type PolicyOptions } from "./policy/checks.js";
export { applySuppressions, suppress, type Suppression, type SuppressedDiagnostic } from "./policy/suppress.js";
export { type Diagnostic, formatDiagnostic, type Severity, ValidationError } from "./validation/diagnostic.js";
export { type ArtifactFile, type Backend, BackendError, CAPABILITIES, type Capability, type CapabilityTable, renderCapabilityTable, type NodeHandlers, type Plan, type PlanView, type Support, visitGraph } from "./backend.js";
export { Diagnostics } from "./validation/diagnostic.js";
export { parseQuantity as parseQuantityValue } from "./validation/checker.js";
export { CHECKS, type CheckInfo, type DiagnosticCode } from "./policy/catalog.js";
export {
  ENGINE_MODELS,
  engineInput,
  engineInputs,
  engineModel,
  KEDA_DEFAULTS,
  KNATIVE_DEFAULTS,
  kedaEngine,
  knativeEngine,
  replayEngine,
  ZEROSCALE_DEFAULTS,
  zeroscaleEngine,
  type ColdStartBehaviour,
  type EffectiveScaling,
  type EngineInput,
  type EngineModel,
  type EngineReplayOptions,
  type EngineResult,
  type EngineScaler,
  type KedaEngineOptions,
  type KnativeEngineOptions,
  type LoadSample,
  type ReplayPoint,
  type ScaleDecision,
  type Trace,
} from "./engines/index.js";
export { engineCapabilities, type KnobCell, type KnobSupport, measureKnob } from "./engines/capabilities.js";
export { describeEffective } from "./graph/summary.js";
