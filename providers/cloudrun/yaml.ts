import { type ArtifactFile, BackendError, Diagnostics } from "../../lib/index.js";
import { toYaml } from "../kubernetes/emit-yaml.js";
import { needsGen1 } from "./limits.js";
import type { CloudRunPlan, CloudRunServicePlan } from "./plan.js";

/**
 * One Cloud Run service YAML per function (`services/<name>.yaml`, the v1 API's Knative-shaped
 * `serving.knative.dev/v1` Service, usable with `gcloud run services replace <file> --region <region>`)
 * plus `plan.json` (the whole plan: services, Cloud Scheduler jobs, service accounts, IAM, secrets,
 * builds, warnings). The v1 YAML carries scaling as the revision template's
 * `autoscaling.knative.dev/minScale|maxScale` annotations (the v2 API, which deploy() uses, rejects
 * those and takes template.scaling instead).
 *
 * The YAML names each function's own service account, `<id>@<project>.iam.gserviceaccount.com`, so
 * it needs the project: without one (deploy() may take the provider's) this refuses with
 * ZS-CLOUDRUN-PROJECT rather than write services that would run as the default compute account.
 */
export function cloudRunArtifacts(plan: CloudRunPlan): ArtifactFile[] {
  if (!plan.project) {
    const d = new Diagnostics();
    d.error("ZS-CLOUDRUN-PROJECT", plan.app, "project", null, "is not set, and the service YAML needs it to name each function's own service account (without one, `gcloud run services replace` runs the service as the project's default compute account)", "pass cloudRun({ project: \"<project>\" }), or on the CLI --project <project>");
    throw new BackendError("cloudrun", d.list("error"));
  }
  const files: ArtifactFile[] = [];
  for (const s of [...plan.services].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    files.push({ path: `services/${s.name}.yaml`, content: toYaml(serviceYaml(plan, s)) });
  }
  files.push({ path: "plan.json", content: `${JSON.stringify(plan, null, 2)}\n` });
  return files;
}

/** The service as a Cloud Run v1 (Knative Serving) Service object. */
export function serviceYaml(plan: CloudRunPlan, s: CloudRunServicePlan): Record<string, unknown> {
  const c = s.container;
  const runtime = `${s.serviceAccount}@${plan.project}.iam.gserviceaccount.com`;
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: {
      name: s.name,
      ...(plan.project ? { namespace: plan.project } : {}),
      labels: { ...s.labels, "cloud.googleapis.com/location": plan.region },
      annotations: { "run.googleapis.com/ingress": "all", "zeroscale.dev/owner": s.id },
    },
    spec: {
      template: {
        metadata: {
          labels: { ...s.labels },
          annotations: {
            "autoscaling.knative.dev/maxScale": String(s.scaling.maxInstances),
            "autoscaling.knative.dev/minScale": String(s.scaling.minInstances),
            "run.googleapis.com/cpu-throttling": String(s.cpuIdle),
            ...(needsGen1(c.cpu) ? { "run.googleapis.com/execution-environment": "gen1" } : {}),
            "run.googleapis.com/startup-cpu-boost": "false",
          },
        },
        spec: {
          containerConcurrency: s.concurrency,
          timeoutSeconds: s.timeoutSeconds,
          serviceAccountName: runtime,
          containers: [
            {
              name: "function",
              image: c.image,
              ...(c.command ? { command: [...c.command] } : {}),
              ...(c.args ? { args: [...c.args] } : {}),
              ports: [{ name: "http1", containerPort: c.port }],
              env: c.env.map((e) => ("value" in e ? { name: e.name, value: e.value } : { name: e.name, valueFrom: { secretKeyRef: { name: e.secret.id, key: e.secret.version } } })),
              resources: { limits: { cpu: c.cpu, memory: c.memory } },
              startupProbe: { httpGet: { path: c.startupProbePath, port: c.port } },
            },
          ],
        },
      },
      traffic: [{ percent: 100, latestRevision: true }],
    },
  };
}
