import type { CapabilityTable } from "../../lib/index.js";

export const ACA_CAPABILITIES: CapabilityTable = {
  // Scaling knobs are measured from the engine model (lib/engines/capabilities.ts), not written here.
  image: ["honoured", "ACR pulls with the app's managed identity (AcrPull)"],
  "build / code": ["honoured", "pushed to `registry`, deployed by digest (deploy(): @pulumi/docker; CLI: `zeroscale build` + `synth --images`)"],
  "env, secrets": ["honoured", "configuration.secrets: Key Vault references by name, or values from Pulumi secrets; env secretRef"],
  "memory, cpu": ["approximate", "rounded up to a Consumption pair, <= 4 vCPU / 8Gi (ZS-ACA-RESOURCES, ZS-ACA-RESOURCES-MAX)"],
  timeout: ["approximate", "the ingress cuts requests at 240 s (ZS-ACA-TIMEOUT)"],
  concurrency: ["approximate", "no per-replica cap; the http rule's target is a rate"],
  "security relaxations": ["approximate", "no securityContext on ACA: the image's user runs (code images: 65532)"],
  "trigger: http": ["approximate", "ingress per app: its own FQDN, every path and method (ZS-ACA-HTTP-ROUTE); internal to the environment unless allowUnauthenticated (ZS-ACA-INGRESS-INTERNAL)"],
  "trigger: schedule": ["approximate", "Container Apps job (Schedule) POSTing to the app; UTC only (ZS-ACA-SCHEDULE-TZ)"],
  "trigger: queue": ["approximate", "a custom KEDA rule scales the app, which pulls (ZS-ACA-QUEUE-PULL)"],
  "trigger: schedule with seconds": ["unsupported", "ZS-ACA-CRON-SECONDS"],
  "queue: redis": ["approximate", "redis-streams rule; the consumer pulls (env)"],
  "queue: rabbitmq": ["approximate", "rabbitmq rule; the consumer pulls (env)"],
  "queue: kafka": ["approximate", "kafka rule; the consumer pulls (env)"],
  "queue: nats": ["approximate", "nats-jetstream via monitoring port (ZS-ACA-NATS-MONITORING)"],
  "queue connection from a secret": ["approximate", "rule auth secretRef; not Kafka (ZS-ACA-QUEUE-KAFKA)"],
};
