/**
 * zeroscale's vocabulary as const arrays: the one place trigger kinds, queue brokers, metric types,
 * scaling knobs and engines are listed. The TypeScript unions, the ajv shape schemas and
 * graph.schema.json derive from these, and every backend handles each member exhaustively
 * (a `Record<...>` table or `assertNever`), so adding one fails to compile wherever it is not handled.
 */

/** Where a trigger's events come from. */
export const TRIGGER_KINDS = ["http", "schedule", "queue"] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** The queue brokers a queue trigger can name. */
export const QUEUE_BROKERS = ["redis", "rabbitmq", "kafka", "nats"] as const;
export type QueueBroker = (typeof QUEUE_BROKERS)[number];

/** How the wait between delivery attempts grows (Knative's DeliverySpec backoffPolicy). */
export const BACKOFF_POLICIES = ["exponential", "linear"] as const;
export type BackoffPolicy = (typeof BACKOFF_POLICIES)[number];

/** The metrics a ScalingPolicy scales on. */
export const METRIC_TYPES = ["concurrency", "rps", "cpu", "memory", "queueLength"] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

/**
 * The scaling knobs of a ScalingPolicy (one row each in the capability tables). Every engine model
 * states, for each, what the engine really does (lib/engines/).
 */
export const SCALING_KNOBS = [
  "minInstances",
  "maxInstances",
  "initialInstances",
  "metric.concurrency",
  "metric.rps",
  "metric.cpu",
  "metric.memory",
  "metric.queueLength",
  "targetUtilizationPercent",
  "idleTimeout",
  "scaleDownDelay",
  "stableWindow",
  "burst",
  "schedule",
  "coldStart",
] as const;
export type ScalingKnob = (typeof SCALING_KNOBS)[number];

/** The scaling engines zeroscale models: its own gateway, Knative's KPA, KEDA (+ HTTP add-on), and the public clouds' (Cloud Run, Azure Container Apps, AWS Lambda). */
export const ENGINES = ["zeroscale", "knative", "keda", "cloudrun", "aca", "lambda"] as const;
export type EngineName = (typeof ENGINES)[number];

/** For exhaustive switches: a value that the types say cannot exist. */
export function assertNever(x: never, what = "value"): never {
  throw new Error(`zeroscale bug: unhandled ${what} ${JSON.stringify(x)}`);
}
