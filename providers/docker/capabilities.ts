import type { CapabilityTable } from "../../lib/index.js";

export const DOCKER_CAPABILITIES: CapabilityTable = {
  // Scaling knobs are measured from the engine model (lib/engines/capabilities.ts), not written here.
  image: ["honoured", "RemoteImage"],
  "build / code": ["honoured", "built by @pulumi/docker"],
  "env, secrets": ["honoured", "secrets from Pulumi secrets at creation"],
  "memory, cpu": ["honoured", "container limits"],
  timeout: ["honoured", "the gateway's per-function timeout"],
  concurrency: ["honoured", "the gateway's per-instance limit"],
  "security relaxations": ["honoured", "container settings"],
  "trigger: http": ["honoured", "the gateway's router"],
  "trigger: schedule": ["honoured", "croner + CloudEvents"],
  "trigger: queue": ["honoured", "the gateway's connectors push each message (per broker below)"],
  "trigger: schedule with seconds": ["honoured", ""],
  "queue: redis": ["honoured", "Redis Streams connector"],
  "queue: rabbitmq": ["honoured", "RabbitMQ connector"],
  "queue: kafka": ["unsupported", "ZS-DOCKER-QUEUE-BROKER"],
  "queue: nats": ["honoured", "NATS JetStream connector (durable pull consumer)"],
  "queue connection from a secret": ["unsupported", "ZS-DOCKER-QUEUE-CONNECTION"],
};
