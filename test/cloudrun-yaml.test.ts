// The cloudRun() synth artifacts: services/<name>.yaml validated against the upstream Knative Service
// schema (test/schemas/cloudrun, with its source) plus Cloud Run's own YAML rules; plan.json; determinism.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { App, BackendError, ServerlessFunction, synth } from "zeroscale";
import { cloudRun } from "zeroscale/providers/cloudrun";

const schema = JSON.parse(readFileSync(new URL("./schemas/cloudrun/Service.json", import.meta.url), "utf8")) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** Cloud Run's v1 YAML rules (cloud.google.com/run/docs/reference/yaml/v1, /configuring/labels). */
const SERVICE_ANNOTATIONS = new Set(["run.googleapis.com/ingress", "run.googleapis.com/launch-stage", "run.googleapis.com/description", "run.googleapis.com/binary-authorization"]);
const REVISION_ANNOTATIONS = new Set(["autoscaling.knative.dev/minScale", "autoscaling.knative.dev/maxScale", "run.googleapis.com/cpu-throttling", "run.googleapis.com/startup-cpu-boost", "run.googleapis.com/execution-environment", "run.googleapis.com/vpc-access-connector", "run.googleapis.com/cloudsql-instances"]);
const GCP_LABEL = /^[a-z][a-z0-9_-]{0,62}$/;
const GCP_LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
const SYSTEM_LABELS = new Set(["cloud.googleapis.com/location"]);

function cloudRunRules(doc: any): string[] {
  const problems: string[] = [];
  const labels = (where: string, l: Record<string, string>) => {
    for (const [k, v] of Object.entries(l ?? {})) {
      if (SYSTEM_LABELS.has(k)) continue;
      if (!GCP_LABEL.test(k) || !GCP_LABEL_VALUE.test(v)) problems.push(`${where} label ${k}=${v} is not a GCP label`);
    }
  };
  const annotations = (where: string, a: Record<string, string>, allowed: Set<string>) => {
    for (const k of Object.keys(a ?? {})) {
      if (/^(run|cloud)\.googleapis\.com\/|^(serving|autoscaling)\.knative\.dev\//.test(k) && !allowed.has(k)) problems.push(`${where} annotation ${k} is not allowed there`);
    }
  };
  labels("service", doc.metadata.labels);
  annotations("service", doc.metadata.annotations, SERVICE_ANNOTATIONS);
  labels("revision", doc.spec.template.metadata.labels);
  annotations("revision", doc.spec.template.metadata.annotations, REVISION_ANNOTATIONS);
  const a = doc.spec.template.metadata.annotations ?? {};
  if (!/^\d+$/.test(a["autoscaling.knative.dev/minScale"] ?? "") || !/^\d+$/.test(a["autoscaling.knative.dev/maxScale"] ?? "")) problems.push("minScale/maxScale must be set as whole numbers");
  const spec = doc.spec.template.spec;
  if (!(spec.containerConcurrency >= 1 && spec.containerConcurrency <= 1000)) problems.push("containerConcurrency outside 1..1000");
  if (!(spec.timeoutSeconds >= 1 && spec.timeoutSeconds <= 3600)) problems.push("timeoutSeconds outside 1..3600");
  if (spec.containers.length !== 1) problems.push("one container (no sidecars here)");
  for (const e of spec.containers[0].env ?? []) if (e.valueFrom && !(e.valueFrom.secretKeyRef?.name && e.valueFrom.secretKeyRef?.key)) problems.push(`env ${e.name}: secretKeyRef {name: <secret>, key: <version>}`);
  return problems;
}

function app(): App {
  const a = new App({ name: "shop", labels: { team: "platform", "example.com/tier": "Gold" } });
  const api = new ServerlessFunction(a, "api", { image: "europe-west1-docker.pkg.dev/p/r/api:1.0.0", cpu: "1", memory: "512Mi", secrets: { DB_URL: { secret: "shop-db", key: "url" } }, env: { MODE: "prod" }, command: ["node"], args: ["server.js"] });
  api.addTrigger("http", { http: { path: "/api" } });
  api.addTrigger("nightly", { schedule: { cron: "0 3 * * *", data: "tick" } });
  api.addScalingPolicy({ minInstances: 1, maxInstances: 8 });
  new ServerlessFunction(a, "tiny", { image: "europe-west1-docker.pkg.dev/p/r/tiny:1.0.0", cpu: "250m", concurrency: 1 });
  return a;
}

describe("cloudRun() artifacts", () => {
  const backend = cloudRun({ project: "shop-prj", region: "europe-west1" });
  const files = backend.artifacts(backend.compile(synth(app())));

  it("writes one service YAML per function and plan.json, byte-identical on a second compile", () => {
    expect(files.map((f) => f.path)).toEqual([expect.stringMatching(/^services\/shop-api-[0-9a-f]{8}\.yaml$/), expect.stringMatching(/^services\/shop-tiny-[0-9a-f]{8}\.yaml$/), "plan.json"]);
    expect(backend.artifacts(backend.compile(synth(app())))).toEqual(files);
  });

  it("every service YAML is a valid Knative Service (upstream schema) and follows Cloud Run's YAML rules", () => {
    for (const f of files.filter((f) => f.path.endsWith(".yaml"))) {
      const doc = parse(f.content);
      expect(validate(doc), `${f.path}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(cloudRunRules(doc), f.path).toEqual([]);
      expect(doc.metadata.namespace).toBe("shop-prj");
      // The schema bites: a wrong type in the revision spec is refused.
      expect(validate({ ...doc, spec: { ...doc.spec, template: { ...doc.spec.template, spec: { ...doc.spec.template.spec, containerConcurrency: "80" } } } })).toBe(false);
      expect(doc.metadata.labels["cloud.googleapis.com/location"]).toBe("europe-west1");
      expect(doc.metadata.annotations["zeroscale.dev/owner"]).toMatch(/^shop\//);
    }
  });

  it("carries scaling, limits, secrets by reference and the runtime identity", () => {
    const api = parse(files[0]!.content);
    const t = api.spec.template;
    expect(t.metadata.annotations).toEqual({ "autoscaling.knative.dev/maxScale": "8", "autoscaling.knative.dev/minScale": "1", "run.googleapis.com/cpu-throttling": "true", "run.googleapis.com/startup-cpu-boost": "false" });
    expect(t.spec.serviceAccountName).toMatch(/^shop-api-[0-9a-f]{8}@shop-prj\.iam\.gserviceaccount\.com$/);
    expect(t.spec.containers[0].env).toEqual([{ name: "DB_URL", valueFrom: { secretKeyRef: { name: "shop-db-url", key: "latest" } } }, { name: "MODE", value: "prod" }]);
    expect(t.spec.containers[0].resources).toEqual({ limits: { cpu: "1", memory: "512Mi" } });
    expect(api.metadata.labels).toMatchObject({ team: "platform", "example_com_tier": "gold", "managed-by": "zeroscale", "zeroscale-app": "shop" });
    const tiny = parse(files[1]!.content);
    expect(tiny.spec.template.spec.containers[0].resources.limits.cpu).toBe("0.25");
    // A fraction of a CPU runs only in the first-generation execution environment.
    expect(tiny.spec.template.metadata.annotations["run.googleapis.com/execution-environment"]).toBe("gen1");
    expect(tiny.spec.template.spec.serviceAccountName).toMatch(/^shop-tiny-[0-9a-f]{8}@shop-prj\.iam\.gserviceaccount\.com$/);
  });

  it("refuses to write service YAML without a project (it could not name the function's own service account)", () => {
    const b = cloudRun({ region: "europe-west1" });
    const plan = b.compile(synth(app()));
    let error: unknown;
    try {
      b.artifacts(plan);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).errors.map((d) => [d.code, d.path, d.prop])).toEqual([["ZS-CLOUDRUN-PROJECT", "shop", "project"]]);
    expect((error as BackendError).message).toContain("needs it to name each function's own service account");
  });

  it("plan.json holds the Cloud Scheduler job, identities and secrets, never a secret value", () => {
    const plan = JSON.parse(files.at(-1)!.content);
    const api = plan.services[0];
    expect(api.schedules).toEqual([
      {
        trigger: "shop/api/nightly",
        name: expect.stringMatching(/^shop-api-nightly-/),
        cron: "0 3 * * *",
        timezone: "UTC",
        body: "tick",
        contentType: "text/plain",
        attemptDeadlineSeconds: 300,
        retry: { retryCount: 3, minBackoffDuration: "2s", maxBackoffDuration: "8s", maxDoublings: 5 },
        headers: { "Content-Type": "text/plain", "ce-source": "/zeroscale/shop/api/nightly", "ce-specversion": "1.0", "ce-type": "dev.zeroscale.schedule" },
      },
    ]);
    expect(api.invoker).toMatch(/^shop-api-inv-[0-9a-f]{8}$/);
    expect(api.secrets).toEqual(["shop-db-url"]);
    expect(api.public).toBe(false);
  });

  it("the view matches the engine model", () => {
    const view = backend.view(backend.compile(synth(app())));
    expect(view.functions["shop/api"]).toMatchObject({ minInstances: 1, maxInstances: 8, idleTimeoutSeconds: null, triggers: ["shop/api/http", "shop/api/nightly"] });
    expect(view.functions["shop/tiny"]?.idleTimeoutSeconds).toBe(900);
  });
});
