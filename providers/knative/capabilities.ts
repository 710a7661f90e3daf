import type { CapabilityTable } from "../../lib/index.js";

export const KNATIVE_CAPABILITIES: CapabilityTable = {
  // Scaling knobs are measured from the engine model (lib/engines/capabilities.ts), not written here.
  image: ["honoured", ""],
  "build / code": ["honoured", "pushed to `registry`, deployed by digest (deploy(): @pulumi/docker; CLI: `zeroscale build` + `synth --images`)"],
  "env, secrets": ["honoured", "secretKeyRef"],
  "memory, cpu": ["honoured", "requests = limits"],
  timeout: ["honoured", "timeoutSeconds"],
  concurrency: ["honoured", "containerConcurrency"],
  "security relaxations": ["honoured", "securityContext + annotation"],
  "trigger: http": ["honoured", "Gateway API HTTPRoute"],
  "trigger: schedule": ["honoured", "PingSource"],
  "trigger: queue": ["honoured", "Knative Eventing sources push each message (per broker below)"],
  "trigger: schedule with seconds": ["unsupported", "ZS-KNATIVE-CRON-SECONDS"],
  "queue: redis": ["honoured", "RedisStreamSource"],
  "queue: rabbitmq": ["honoured", "RabbitmqSource (secret connection)"],
  "queue: kafka": ["honoured", "KafkaSource"],
  "queue: nats": ["unsupported", "ZS-KNATIVE-QUEUE-NATS"],
  "queue connection from a secret": ["approximate", "RabbitMQ only (ZS-KNATIVE-QUEUE-*)"],
};
