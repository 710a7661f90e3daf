// The cloudRun() backend's diagnostic codes (spread into CHECKS in ./catalog.ts; docs/policy.md lists them).
import type { CheckInfo } from "./catalog.js";

export const CLOUDRUN_CHECKS = [
  { code: "ZS-CLOUDRUN-IMAGE", severity: "error", scope: "cloudRun()", doc: "A build or code function with no image to run (pass registry, or images: a digest from zeroscale build), or a registry or baseImage that makes no image name." },
  { code: "ZS-CLOUDRUN-REGISTRY", severity: "error", scope: "cloudRun()", doc: "createRegistry without a registry of the form <region>-docker.pkg.dev/<project>/<repository> (the Artifact Registry repository to create)." },
  { code: "ZS-CLOUDRUN-IMAGE-HOST", severity: "warning", scope: "cloudRun()", doc: "An image outside Artifact Registry, Container Registry and Docker Hub: Cloud Run pulls from those only (proxy others with an Artifact Registry remote repository)." },
  { code: "ZS-CLOUDRUN-CPU", severity: "error", scope: "cloudRun()", doc: "cpu is not 1, 2, 4, 6 or 8, nor a fraction of at least 0.08 in steps of 0.01 (fractions only with concurrency 1)." },
  { code: "ZS-CLOUDRUN-CPU-RAISED", severity: "warning", scope: "cloudRun()", doc: "cpu below 1 with concurrency above 1: Cloud Run allows a fraction of a CPU only with concurrency 1, so the service gets 1 CPU." },
  { code: "ZS-CLOUDRUN-MEMORY", severity: "error", scope: "cloudRun()", doc: "memory outside Cloud Run's 128Mi..32Gi." },
  { code: "ZS-CLOUDRUN-MEMORY-CPU", severity: "error", scope: "cloudRun()", doc: "memory above 512Mi, 1Gi, 4Gi, 8Gi, 16Gi or 24Gi needs at least 0.5, 1, 2, 4, 6 or 8 CPUs on Cloud Run; 4 CPUs need at least 2Gi, 6 or 8 CPUs at least 4Gi." },
  { code: "ZS-CLOUDRUN-PROJECT", severity: "error", scope: "cloudRun()", doc: "synth's service YAML without project: it names each function's own service account <id>@<project>.iam.gserviceaccount.com (deploy() may take the provider's project)." },
  { code: "ZS-CLOUDRUN-HTTP-HOST", severity: "error", scope: "cloudRun()", doc: "An http trigger with a host: a Cloud Run service has its own run.app URL; a custom host needs a domain mapping or load balancer, which zeroscale does not create." },
  { code: "ZS-CLOUDRUN-HTTP-METHODS", severity: "warning", scope: "cloudRun()", doc: "http.methods: a Cloud Run service takes every method on its URL; the function must refuse the others itself." },
  { code: "ZS-CLOUDRUN-CRON-SECONDS", severity: "error", scope: "cloudRun()", doc: "A 6-field cron: Cloud Scheduler takes 5 fields." },
  { code: "ZS-CLOUDRUN-QUEUE", severity: "error", scope: "cloudRun()", doc: "A queue trigger: Cloud Run is pushed events by Pub/Sub or Eventarc, which reach none of zeroscale's brokers (redis, rabbitmq, kafka, nats)." },
  { code: "ZS-CLOUDRUN-SCHEDULE-BASELINE", severity: "error", scope: "cloudRun()", doc: "Schedule baselines: minInstanceCount is static per revision." },
  { code: "ZS-CLOUDRUN-INITIAL", severity: "warning", scope: "cloudRun()", doc: "initialInstances other than max(1, minInstances): a new revision starts that many instances." },
  { code: "ZS-CLOUDRUN-TARGET", severity: "warning", scope: "cloudRun()", doc: "A concurrency target other than 60% of the function's concurrency: Cloud Run aims at 60% of maxInstanceRequestConcurrency." },
  { code: "ZS-CLOUDRUN-UTILIZATION", severity: "warning", scope: "cloudRun()", doc: "targetUtilizationPercent other than 60: Cloud Run's target is fixed at 60%." },
  { code: "ZS-CLOUDRUN-CPU-TARGET", severity: "warning", scope: "cloudRun()", doc: "A cpu target other than 60%: Cloud Run keeps CPU at a fixed 60%." },
  { code: "ZS-CLOUDRUN-METRIC", severity: "warning", scope: "cloudRun()", doc: "rps, memory or queueLength: Cloud Run has no such metric and scales on request concurrency." },
  { code: "ZS-CLOUDRUN-IDLE", severity: "warning", scope: "cloudRun()", doc: "idleTimeout other than 15 minutes: Cloud Run keeps idle instances up to 15 minutes and has no setting for it." },
  { code: "ZS-CLOUDRUN-DOWN-DELAY", severity: "warning", scope: "cloudRun()", doc: "scaleDownDelay: Cloud Run has no scale-down delay knob." },
  { code: "ZS-CLOUDRUN-WINDOW", severity: "warning", scope: "cloudRun()", doc: "stableWindow other than 60s: Cloud Run averages over a fixed one-minute window." },
  { code: "ZS-CLOUDRUN-BURST", severity: "warning", scope: "cloudRun()", doc: "burst: Cloud Run's autoscaler has no panic mode to tune." },
  { code: "ZS-CLOUDRUN-COLD-START", severity: "warning", scope: "cloudRun()", doc: "A coldStart policy: Cloud Run's pending queue has no per-service limit, holds requests up to the request timeout, and cannot refuse." },
] as const satisfies readonly CheckInfo[];
