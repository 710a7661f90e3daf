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
  "trigger: schedule": ["honoured", "CronJob through the interceptor; its script applies the delivery policy (retries, backoff, timeout, dead letter)"],
  "trigger: queue": ["honoured", "push: a zeroscale dispatcher per trigger POSTs CloudEvents with the delivery policy and acks after 2xx; `queueDelivery: \"pull\"` and kafka: the consumer pulls (ZS-KEDA-DELIVERY-PULL)"],
  "trigger: schedule with seconds": ["unsupported", "ZS-KEDA-CRON-SECONDS"],
  "queue: redis": ["honoured", "redis-streams scaler; the dispatcher wakes on the group's lag (Redis 7+)"],
  "queue: rabbitmq": ["honoured", "rabbitmq scaler + the dispatcher's held backlog (metrics-api)"],
  "queue: kafka": ["approximate", "kafka scaler; the consumer pulls (env), no delivery policy (ZS-KEDA-DELIVERY-PULL)"],
  "queue: nats": ["approximate", "nats-jetstream via monitoring port (ZS-KEDA-NATS-MONITORING); dispatcher (push)"],
  "queue connection from a secret": ["approximate", "TriggerAuthentication; not Kafka (ZS-KEDA-QUEUE-KAFKA)"],
};
