import type { CapabilityTable } from "../../lib/index.js";

export const DOCKER_CAPABILITIES: CapabilityTable = {
  // Scaling knobs are measured from the engine model (lib/engines/capabilities.ts), not written here.
  image: ["honoured", "RemoteImage"],
  "build / code": ["honoured", "built by @pulumi/docker"],
  "env, secrets": ["honoured", "secrets from Pulumi secrets at creation"],
  "memory, cpu": ["honoured", "container limits"],
  timeout: ["honoured", "HAProxy's timeout server (the gateway's with dataPlane: \"node\")"],
  concurrency: ["honoured", "HAProxy's per-server maxconn (the gateway's limit with dataPlane: \"node\")"],
  "security relaxations": ["honoured", "container settings"],
  "trigger: http": ["honoured", "HAProxy ACLs from the graph's routes (the gateway's router with dataPlane: \"node\")"],
  "trigger: schedule": ["honoured", "croner + CloudEvents"],
  "trigger: queue": ["honoured", "the gateway's connectors push each message (per broker below)"],
  "trigger: schedule with seconds": ["honoured", ""],
  "queue: redis": ["honoured", "Redis Streams connector"],
  "queue: rabbitmq": ["honoured", "RabbitMQ connector"],
  "queue: kafka": ["unsupported", "ZS-DOCKER-QUEUE-BROKER"],
  "queue: nats": ["honoured", "NATS JetStream connector (durable pull consumer)"],
  "queue connection from a secret": ["unsupported", "ZS-DOCKER-QUEUE-CONNECTION"],
};
