// The aca() backend's diagnostic codes (spread into CHECKS in ./catalog.ts; docs/policy.md lists them).
import type { CheckInfo } from "./catalog.js";

export const ACA_CHECKS = [
  { code: "ZS-ACA-IMAGE", severity: "error", scope: "aca()", doc: "A build or code function with no image to run (pass registry, or images: a digest from zeroscale build), or a registry that makes no repository name." },
  { code: "ZS-ACA-RESOURCES-MAX", severity: "error", scope: "aca()", doc: "cpu above 4 cores or memory above 8Gi: the Consumption profile's largest pair is 4 vCPU / 8 GiB." },
  { code: "ZS-ACA-CRON-SECONDS", severity: "error", scope: "aca()", doc: "A 6-field cron: a Container Apps job's cronExpression takes 5 fields." },
  { code: "ZS-ACA-SCHEDULE-TZ", severity: "error", scope: "aca()", doc: "A schedule in a time zone other than UTC: Container Apps jobs evaluate cron expressions in UTC." },
  { code: "ZS-ACA-QUEUE-KAFKA", severity: "error", scope: "aca()", doc: "A Kafka connection from a secret (the kafka scale rule takes bootstrapServers in its metadata)." },
  { code: "ZS-ACA-RESOURCES", severity: "warning", scope: "aca()", doc: "cpu/memory that is not a Consumption pair: rounded up to the smallest pair that holds both." },
  { code: "ZS-ACA-TIMEOUT", severity: "warning", scope: "aca()", doc: "timeout above 240 s on a function with ingress: the Container Apps ingress cuts requests at 240 s." },
  { code: "ZS-ACA-HTTP-ROUTE", severity: "warning", scope: "aca()", doc: "http.path, methods or host on aca(): each app gets its own FQDN and its ingress sends every path and method to it." },
  { code: "ZS-ACA-INGRESS-INTERNAL", severity: "warning", scope: "aca()", doc: "HTTP triggers without allowUnauthenticated: the ingress is internal (external: false), reachable only inside the environment until allowUnauthenticated or a front door is set." },
  { code: "ZS-ACA-QUEUE-PULL", severity: "warning", scope: "aca()", doc: "A queue trigger: Container Apps scales the app on the backlog but delivers no messages; the handler pulls (ZEROSCALE_QUEUES)." },
  { code: "ZS-ACA-NATS-MONITORING", severity: "warning", scope: "aca()", doc: "nats-jetstream reads lag from the monitoring endpoint on port 8222." },
  { code: "ZS-ACA-RESOURCE-ZERO", severity: "warning", scope: "aca()", doc: "cpu/memory scale rules never scale to zero: minReplicas 1." },
  { code: "ZS-ACA-INITIAL", severity: "warning", scope: "aca()", doc: "initialInstances other than the default: a new revision starts at max(minReplicas, 1)." },
  { code: "ZS-ACA-HTTP-CONCURRENCY", severity: "warning", scope: "aca()", doc: "A concurrency metric: the http rule's concurrentRequests is a request rate over 15 s, not requests in flight." },
  { code: "ZS-ACA-HTTP-TARGET", severity: "warning", scope: "aca()", doc: "An rps target x utilization that is not a whole number: concurrentRequests is rounded." },
  { code: "ZS-ACA-WINDOW", severity: "warning", scope: "aca()", doc: "stableWindow: the http rule's window is fixed at 15 s; other rules average over none." },
  { code: "ZS-ACA-QUEUE-METRIC", severity: "warning", scope: "aca()", doc: "A concurrency/rps metric on a queue consumer: scaled on backlog, 5 per replica." },
  { code: "ZS-ACA-RULE-DEFAULT", severity: "warning", scope: "aca()", doc: "HTTP and queue triggers on one app, or queue triggers with a cpu/memory metric: the policy's metric drives one rule, the others get ACA's default target (ACA scales on the highest rule)." },
  { code: "ZS-ACA-DOWN-DELAY", severity: "warning", scope: "aca()", doc: "scaleDownDelay other than 300 s: Container Apps sets no HPA behavior, so the HPA's default stabilization applies." },
  { code: "ZS-ACA-BURST", severity: "warning", scope: "aca()", doc: "burst settings: KEDA's HPA has no panic mode." },
  { code: "ZS-ACA-COLD-START", severity: "warning", scope: "aca()", doc: "A coldStart policy: the ingress holds requests with no per-app limit up to its 240 s timeout, and cannot refuse; no effect on consumers." },
] as const satisfies readonly CheckInfo[];
