import type { CapabilityTable } from "../../lib/index.js";

export const KNATIVE_CAPABILITIES: CapabilityTable = {
  // Scaling knobs are measured from the engine model (lib/engines/capabilities.ts), not written here.
  // Delivery (retries, backoff, dead letter, timeout) has no row in CAPABILITIES (lib/backend.ts): see ./delivery.ts.
  image: ["honoured", ""],
  "build / code": ["honoured", "pushed to `registry`, deployed by digest (deploy(): @pulumi/docker; CLI: `zeroscale build` + `synth --images`)"],
  "env, secrets": ["honoured", "secretKeyRef"],
  "memory, cpu": ["honoured", "requests = limits"],
  timeout: ["honoured", "timeoutSeconds"],
  concurrency: ["honoured", "containerConcurrency"],
  "security relaxations": ["honoured", "securityContext + annotation"],
  "trigger: http": ["honoured", "Gateway API HTTPRoute"],
  "trigger: schedule": ["honoured", "PingSource, through a Channel whose Subscription carries the delivery spec"],
  "trigger: queue": ["honoured", "Knative Eventing sources push each message with the delivery spec (per broker below)"],
  "trigger: schedule with seconds": ["unsupported", "ZS-KNATIVE-CRON-SECONDS"],
  "queue: redis": ["honoured", "RedisStreamSource, through a Channel + Subscription (delivery spec)"],
  "queue: rabbitmq": ["honoured", "RabbitmqSource (secret connection; a dead letter or a shorter timeout: through a Channel + Subscription)"],
  "queue: kafka": ["honoured", "KafkaSource (delivery spec on the source)"],
  "queue: nats": ["unsupported", "ZS-KNATIVE-QUEUE-NATS"],
  "queue connection from a secret": ["approximate", "RabbitMQ only (ZS-KNATIVE-QUEUE-*)"],
};
