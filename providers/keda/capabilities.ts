import type { CapabilityTable } from "../../lib/index.js";

export const KEDA_CAPABILITIES: CapabilityTable = {
  // Scaling knobs are measured from the engine model (lib/engines/capabilities.ts), not written here.
  image: ["honoured", ""],
  "build / code": ["honoured", "pushed to `registry`, deployed by digest (deploy(): @pulumi/docker; CLI: `zeroscale build` + `synth --images`)"],
  "env, secrets": ["honoured", "secretKeyRef"],
  "memory, cpu": ["honoured", "requests = limits"],
  timeout: ["approximate", "terminationGracePeriodSeconds"],
  concurrency: ["approximate", "the HTTP add-on's target, not a hard limit"],
  "security relaxations": ["honoured", "securityContext + annotation"],
  "trigger: http": ["honoured", "HTTPScaledObject"],
  "trigger: schedule": ["honoured", "CronJob through the interceptor"],
  "trigger: queue": ["approximate", "KEDA scales the consumer, which pulls (per broker below)"],
  "trigger: schedule with seconds": ["unsupported", "ZS-KEDA-CRON-SECONDS"],
  "queue: redis": ["approximate", "redis-streams scaler; the consumer pulls (env)"],
  "queue: rabbitmq": ["approximate", "rabbitmq scaler; the consumer pulls (env)"],
  "queue: kafka": ["approximate", "kafka scaler; the consumer pulls (env)"],
  "queue: nats": ["approximate", "nats-jetstream via monitoring port (ZS-KEDA-NATS-MONITORING)"],
  "queue connection from a secret": ["approximate", "TriggerAuthentication; not Kafka (ZS-KEDA-QUEUE-KAFKA)"],
};
