// Witnesses of the cloudRun() backend's diagnostic codes that no test/invalid/ program produces (test/support/witness.ts).
import { cloudRunArtifacts } from "../../../providers/cloudrun/yaml.js";
import type { CloudRunPlan } from "../../../providers/cloudrun/plan.js";
import { fnApp, http, type Witnesses } from "../witness.js";

const AR = "europe-west1-docker.pkg.dev/w/r/fn:1.0.0";
/** One HTTP function on Cloud Run's own terms (1 CPU, an Artifact Registry image) with this policy. */
const policy = (p: Record<string, unknown>) => fnApp((fn) => (http(fn), fn.addScalingPolicy(p)), { image: AR, cpu: "1" });

export const WITNESSES: Witnesses = {
  // synth's service YAML (not compile: deploy() may take the provider's project) without a project.
  "ZS-CLOUDRUN-PROJECT": { backend: "cloudrun", app: fnApp(http, { image: AR, cpu: "1" }), after: (plan) => (cloudRunArtifacts(plan as CloudRunPlan), []) },
  "ZS-CLOUDRUN-REGISTRY": { backend: "cloudrun", options: { createRegistry: true, registry: "registry.example.com/w" }, app: fnApp(http, { image: AR, cpu: "1" }) },
  "ZS-CLOUDRUN-IMAGE-HOST": { backend: "cloudrun", app: fnApp(http, { cpu: "1" }) },
  "ZS-CLOUDRUN-CPU-RAISED": { backend: "cloudrun", app: fnApp(http, { image: AR, cpu: "250m", concurrency: 10 }) },
  "ZS-CLOUDRUN-HTTP-METHODS": { backend: "cloudrun", app: fnApp((fn) => fn.addTrigger("h", { http: { path: "/", methods: ["GET"] } }), { image: AR, cpu: "1" }) },
  "ZS-CLOUDRUN-INITIAL": { backend: "cloudrun", app: policy({ initialInstances: 3 }) },
  "ZS-CLOUDRUN-TARGET": { backend: "cloudrun", app: policy({ metric: { concurrency: 20 } }) },
  "ZS-CLOUDRUN-UTILIZATION": { backend: "cloudrun", app: policy({ targetUtilizationPercent: 80 }) },
  "ZS-CLOUDRUN-CPU-TARGET": { backend: "cloudrun", app: policy({ metric: { cpu: 80 } }) },
  "ZS-CLOUDRUN-METRIC": { backend: "cloudrun", app: policy({ metric: { rps: 20 } }) },
  "ZS-CLOUDRUN-IDLE": { backend: "cloudrun", app: policy({ idleTimeout: "2m" }) },
  "ZS-CLOUDRUN-DOWN-DELAY": { backend: "cloudrun", app: policy({ scaleDownDelay: "30s" }) },
  "ZS-CLOUDRUN-WINDOW": { backend: "cloudrun", app: policy({ stableWindow: "30s" }) },
  "ZS-CLOUDRUN-BURST": { backend: "cloudrun", app: policy({ burst: { panicWindowPercent: 20 } }) },
  "ZS-CLOUDRUN-COLD-START": { backend: "cloudrun", app: policy({ coldStart: { reject: true } }) },
  // Cloud Scheduler's retryCount is at most 5.
  "ZS-CLOUDRUN-DELIVERY": { backend: "cloudrun", app: fnApp((fn) => fn.addTrigger("s", { schedule: { cron: "0 3 * * *" }, delivery: { retries: 8 } }), { image: AR, cpu: "1" }) },
};
