import type { CapabilityTable } from "../../lib/index.js";

export const CLOUDRUN_CAPABILITIES: CapabilityTable = {
  // Scaling knobs are measured from the engine model (lib/engines/capabilities.ts), not written here.
  image: ["approximate", "Artifact Registry, Container Registry or Docker Hub only (ZS-CLOUDRUN-IMAGE-HOST)"],
  "build / code": ["honoured", "pushed to `registry` (Artifact Registry; createRegistry creates it), deployed by digest"],
  "env, secrets": ["honoured", "Secret Manager `<store>-<key>`, version latest; created only from Pulumi secrets"],
  "memory, cpu": ["approximate", "CPU 1/2/4/6/8, a fraction only with concurrency 1 (else 1 CPU: ZS-CLOUDRUN-CPU-RAISED); 128Mi..32Gi with its CPU coupling"],
  timeout: ["honoured", "template.timeout"],
  concurrency: ["honoured", "maxInstanceRequestConcurrency"],
  "security relaxations": ["approximate", "no securityContext: gVisor sandbox, the image's USER, writable in-memory filesystem"],
  "trigger: http": ["approximate", "one URL per service: every path and method reaches it (ZS-CLOUDRUN-HTTP-METHODS); private unless allowUnauthenticated; no host (ZS-CLOUDRUN-HTTP-HOST)"],
  "trigger: schedule": ["honoured", "Cloud Scheduler job, OIDC token of an invoker service account; delivery as its retryConfig (at most 5 retries, no dead letter: ZS-CLOUDRUN-DELIVERY)"],
  "trigger: queue": ["unsupported", "ZS-CLOUDRUN-QUEUE: Pub/Sub and Eventarc reach none of the brokers below"],
  "trigger: schedule with seconds": ["unsupported", "ZS-CLOUDRUN-CRON-SECONDS"],
  "queue: redis": ["unsupported", "ZS-CLOUDRUN-QUEUE"],
  "queue: rabbitmq": ["unsupported", "ZS-CLOUDRUN-QUEUE"],
  "queue: kafka": ["unsupported", "ZS-CLOUDRUN-QUEUE"],
  "queue: nats": ["unsupported", "ZS-CLOUDRUN-QUEUE"],
  "queue connection from a secret": ["unsupported", "ZS-CLOUDRUN-QUEUE"],
};
