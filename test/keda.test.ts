import { describe, expect, it } from "vitest";
import { App, BackendError, formatDiagnostic, ServerlessFunction, synth } from "zeroscale";
import { type KubeObject, type KubePlan, keda } from "zeroscale/providers/keda";
import { buildOrdersApp } from "../examples/orders/app.js";
import { kubeArtifacts } from "../providers/kubernetes/yaml.js";
import { validateManifest } from "./support/models.js";

const IMAGE = "registry.example.com/shop/api:1.4.2";
// Most of these apps' functions have no trigger: the ZS-FN-NO-TRIGGER warning (test/errors.test.ts) is dropped here.
const compile = (app: App, opts: Parameters<typeof keda>[0] = {}) => keda({ namespace: "shop", ...opts }).compile(withoutNoTrigger(synth(app)));
const withoutNoTrigger = (g: ReturnType<typeof synth>) => ({ ...g, warnings: g.warnings.filter((w) => w.code !== "ZS-FN-NO-TRIGGER") });
const find = (plan: KubePlan, kind: string) => plan.resources.map((r) => r.manifest).find((m) => m.kind === kind) as KubeObject & { spec: any };
const all = (plan: KubePlan, kind: string) => plan.resources.map((r) => r.manifest).filter((m) => m.kind === kind) as (KubeObject & { spec: any })[];

describe("keda: ServerlessFunction -> Deployment + Service", () => {
  const app = new App({ name: "shop" });
  const api = new ServerlessFunction(app, "api", { image: IMAGE, port: 9000, concurrency: 80, secrets: { DB_URL: { secret: "shop-db", key: "url" } }, security: { readOnlyRootFilesystem: false } });
  api.addTrigger("http", { http: { path: "/api" } });
  const plan = compile(app);
  const deployment = find(plan, "Deployment");

  it("has the same container spec and security defaults as Knative, plus PORT", () => {
    const c = deployment.spec.template.spec.containers[0];
    expect(c.env).toEqual([
      { name: "DB_URL", valueFrom: { secretKeyRef: { name: "shop-db", key: "url" } } },
      { name: "PORT", value: "9000" },
    ]);
    expect(c.readinessProbe).toEqual({ httpGet: { path: "/", port: 9000 } });
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: false });
    expect(deployment.spec.replicas).toBeUndefined(); // the autoscaler owns replicas
  });

  it("shows a relaxation in the output", () => {
    expect(deployment.metadata.annotations["zeroscale.dev/security-relaxed"]).toBe("readOnlyRootFilesystem");
  });

  it("exposes the pods through a ClusterIP Service on port 80", () => {
    const svc = find(plan, "Service");
    expect(svc.spec).toEqual({ type: "ClusterIP", selector: deployment.spec.selector.matchLabels, ports: [{ name: "http", port: 80, targetPort: 9000, protocol: "TCP" }] });
  });

  it("scales HTTP functions with the HTTP add-on, to zero", () => {
    const hso = find(plan, "HTTPScaledObject");
    expect(hso.spec).toEqual({
      hosts: ["*"],
      pathPrefixes: ["/api"],
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name, service: deployment.metadata.name, port: 80 },
      replicas: { min: 0, max: 10 },
      scaledownPeriod: 90,
      scalingMetric: { concurrency: { targetValue: 56 } }, // 80 per instance x 70% utilization, as Knative aims
    });
    expect(all(plan, "ScaledObject")).toEqual([]);
  });

  it("validates every object", () => {
    expect(plan.resources.map((r) => validateManifest(r.manifest))).toEqual(["model", "model", "schema"]);
  });

  it("http.methods: the HTTPScaledObject cannot match methods, so a warning says every method reaches the function", () => {
    const app2 = new App({ name: "shop" });
    const fn = new ServerlessFunction(app2, "fn", { image: IMAGE });
    fn.addTrigger("write", { http: { path: "/orders", methods: ["POST", "PUT"], host: "api.example.com" } });
    const p = compile(app2);
    expect(find(p, "HTTPScaledObject").spec).toMatchObject({ hosts: ["api.example.com"], pathPrefixes: ["/orders"] });
    expect(JSON.stringify(find(p, "HTTPScaledObject").spec)).not.toMatch(/POST|PUT/);
    const w = p.warnings.filter((d) => d.code === "ZS-KEDA-HTTP-METHODS");
    expect(w.map((d) => [d.severity, d.path, d.prop, d.value])).toEqual([["warning", "shop/fn/write", "http.methods", ["POST", "PUT"]]]);
    expect(w[0]?.problem).toBe("are not matched: the HTTPScaledObject routes by host and path prefix only, so every method (not only POST, PUT) on api.example.com/orders reaches shop/fn");
    // no methods (every method) is what the HTTPScaledObject does: no warning
    expect(plan.warnings.map((d) => d.code)).not.toContain("ZS-KEDA-HTTP-METHODS");
  });
});

describe("keda: queue consumers -> ScaledObject", () => {
  const plan = compile(buildOrdersApp({ redisUrl: "redis://redis.data:6379" }), { registry: "registry.example.com/orders", pollingInterval: 15 });
  const so = find(plan, "ScaledObject");

  it("maps min, max, cooldown (idleTimeout), polling, the declared scale-down delay (0 s, not the HPA's 300 s) and the redis-streams scaler on queue length", () => {
    expect(so.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: so.metadata.name },
      pollingInterval: 15,
      cooldownPeriod: 120,
      minReplicaCount: 0,
      maxReplicaCount: 20,
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } } },
      triggers: [
        { type: "redis-streams", name: expect.stringMatching(/^orders-worker-orders-/), metadata: { address: "redis.data:6379", stream: "orders", consumerGroup: "workers", pendingEntriesCount: "10" } },
        // push mode: what the dispatcher has read and not yet delivered (test/keda-dispatcher.test.ts)
        { type: "metrics-api", name: expect.stringMatching(/^orders-worker-orders-[0-9a-f]{8}-held$/), metadata: { url: expect.stringMatching(/-dispatch\.shop\.svc\.cluster\.local:9090\/backlog$/), valueLocation: "backlog", targetValue: "10" } },
      ],
    });
    expect(validateManifest(so)).toBe("model");
  });

  it("push mode (the default): the consumer gets no queue env, a dispatcher delivers; pull mode: it reads its queue itself, with a warning", () => {
    const workerEnv = (p: KubePlan) => (all(p, "Deployment").find((d) => d.metadata.name.startsWith("orders-worker") && d.metadata.labels["app.kubernetes.io/component"] === "function")?.spec.template.spec.containers[0].env ?? []) as { name: string; value?: string }[];
    expect(workerEnv(plan).map((e) => e.name)).toEqual(["PORT"]);
    expect(plan.warnings.map((w) => w.code)).not.toContain("ZS-KEDA-DELIVERY-PULL");
    const pull = compile(buildOrdersApp({ redisUrl: "redis://redis.data:6379" }), { registry: "registry.example.com/orders", queueDelivery: "pull" });
    const env = workerEnv(pull);
    expect(env.find((e) => e.name === "ZEROSCALE_QUEUE_0_URL")).toEqual({ name: "ZEROSCALE_QUEUE_0_URL", value: "redis://redis.data:6379" });
    expect(JSON.parse(env.find((e) => e.name === "ZEROSCALE_QUEUES")?.value ?? "[]")).toEqual([
      { trigger: "orders/worker/orders", broker: "redis", name: "orders", consumerGroup: "workers", batchSize: 1, urlEnv: "ZEROSCALE_QUEUE_0_URL" },
    ]);
    expect(all(pull, "Deployment").map((d) => d.metadata.labels["app.kubernetes.io/component"])).toEqual(["function", "function"]);
    expect(find(pull, "ScaledObject").spec.triggers.map((t: { type: string }) => t.type)).toEqual(["redis-streams"]);
    expect(pull.warnings.filter((w) => w.code === "ZS-KEDA-DELIVERY-PULL").map((w) => [w.path, w.prop])).toEqual([["orders/worker/orders", "delivery"]]);
  });

  it("the worker's manifests (function + dispatcher) are stable", () => {
    const file = kubeArtifacts(plan).find((f) => f.path.startsWith("manifests/orders-worker"));
    expect(file?.content).toMatchSnapshot();
  });

  it("schedule -> a CronJob that POSTs a CloudEvent through the interceptor", () => {
    const cron = find(plan, "CronJob");
    expect(cron.spec).toMatchObject({ schedule: "0 3 * * *", timeZone: "UTC", concurrencyPolicy: "Forbid" });
    const c = cron.spec.jobTemplate.spec.template.spec.containers[0];
    expect(c.image).toBe("curlimages/curl:8.11.1");
    expect(c.command[2]).toContain('-H "ce-specversion: 1.0"');
    const env = Object.fromEntries((c.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ TARGET_URL: "http://keda-add-ons-http-interceptor-proxy.keda:8080/orders", CE_DATA: '{"task":"reconcile"}', CONTENT_TYPE: "application/json" });
    expect(env["TARGET_HOST"]).toMatch(/^orders-api-[0-9a-f]{8}\.shop\.svc\.cluster\.local$/);
    const hso = find(plan, "HTTPScaledObject");
    expect(hso.spec.hosts).toContain(env["TARGET_HOST"]); // the interceptor routes the event to this function
    expect(validateManifest(cron)).toBe("model");
  });

  it("validates every object", () => {
    for (const r of plan.resources) validateManifest(r.manifest);
  });

  it("code functions with a registry: one planned build each, the Deployments naming its unpushed placeholder (a build function too)", () => {
    expect(plan.builds.map((b) => [b.fn, b.repository, b.source.type])).toEqual([
      ["orders/api", "registry.example.com/orders/orders-api", "code"],
      ["orders/worker", "registry.example.com/orders/orders-worker", "code"],
    ]);
    expect(all(plan, "Deployment").filter((d) => d.metadata.labels["app.kubernetes.io/component"] === "function").map((d) => d.spec.template.spec.containers[0].image)).toEqual([
      "registry.example.com/orders/orders-api:zeroscale-unbuilt",
      "registry.example.com/orders/orders-worker:zeroscale-unbuilt",
    ]);
    const app = new App({ name: "shop" });
    new ServerlessFunction(app, "img", { build: { context: "img", dockerfile: "Containerfile", args: { B: "2", A: "1" } } });
    expect(compile(app, { registry: "127.0.0.1:5000/zs" }).builds).toEqual([
      { fn: "shop/img", repository: "127.0.0.1:5000/zs/shop-img", source: { type: "build", context: "img", dockerfile: "Containerfile", args: { A: "1", B: "2" } } },
    ]);
  });

  it("no registry and no images entry: ZS-KEDA-IMAGE, naming registry, zeroscale build and images", () => {
    let err: unknown;
    try {
      compile(buildOrdersApp({ redisUrl: "redis://redis.data:6379" }), { images: { "orders/worker": `r.example.com/o/w@sha256:${"0".repeat(64)}` } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).errors.map((d) => `${d.code} ${formatDiagnostic(d)}`)).toEqual([
      'ZS-KEDA-IMAGE orders/api: code ("src/api.js") is built from source, and keda was given no registry to push its image to nor an image for it; pass keda({ registry: "<host[:port]/path>" }) (deploy() builds and pushes it), or on the CLI run `zeroscale build <program> --registry <registry>`, then `zeroscale synth <program> --images zeroscale.images.json`; or pass keda({ images: { "orders/api": "<repository>@sha256:<digest>" } }).',
    ]);
  });
});

describe("keda: scalers, secrets and advanced settings", () => {
  const app = new App({ name: "shop" });
  const q = new ServerlessFunction(app, "q", { image: IMAGE });
  q.addTrigger("rabbit", { queue: { broker: "rabbitmq", connection: { secret: "mq", key: "uri" }, name: "jobs" } });
  q.addTrigger("kafka", { queue: { broker: "kafka", connection: "k0:9092,k1:9092", name: "events", consumerGroup: "g" } });
  q.addScalingPolicy({ maxInstances: 30, metric: { queueLength: 20 }, scaleDownDelay: "1m", schedule: [{ start: "0 8 * * 1-5", end: "0 18 * * 1-5", minInstances: 2, timezone: "Europe/Berlin" }] });
  const plan = compile(app, { fallback: { failureThreshold: 3, replicas: 2 }, initialCooldownPeriod: 60 });
  const so = find(plan, "ScaledObject");

  it("uses a TriggerAuthentication for a secret connection, never the value", () => {
    expect(find(plan, "TriggerAuthentication").spec).toEqual({ secretTargetRef: [{ parameter: "host", name: "mq", key: "uri" }] });
    expect(so.spec.triggers.map((t: { type: string }) => t.type)).toEqual(["kafka", "rabbitmq", "metrics-api", "cron"]); // kafka is pulled: no dispatcher, no metrics-api
    expect(so.spec.triggers[1]).toMatchObject({ type: "rabbitmq", metadata: { queueName: "jobs", mode: "QueueLength", value: "20" }, authenticationRef: { name: expect.stringMatching(/-auth$/) } });
  });

  it("maps kafka lag, cron baselines, scale-down delay, fallback and initial cooldown", () => {
    expect(so.spec.triggers[0]).toMatchObject({ type: "kafka", metadata: { bootstrapServers: "k0:9092,k1:9092", topic: "events", consumerGroup: "g", lagThreshold: "20" } });
    expect(so.spec.triggers[3]).toEqual({ type: "cron", name: "baseline-0", metadata: { timezone: "Europe/Berlin", start: "0 8 * * 1-5", end: "0 18 * * 1-5", desiredReplicas: "2" } });
    expect(so.spec.advanced).toEqual({ horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } });
    expect(so.spec.fallback).toEqual({ failureThreshold: 3, replicas: 2 });
    expect(so.spec.initialCooldownPeriod).toBe(60);
    for (const r of plan.resources) validateManifest(r.manifest);
  });

  it("cpu on a consumer: a cpu scaler and minReplicaCount 1, with a warning", () => {
    const app2 = new App({ name: "shop" });
    const fn = new ServerlessFunction(app2, "fn", { image: IMAGE });
    fn.addScalingPolicy({ metric: { cpu: 60 } });
    const p = compile(app2);
    expect(find(p, "ScaledObject").spec).toMatchObject({ minReplicaCount: 1, triggers: [{ type: "cpu", metricType: "Utilization", metadata: { value: "60" } }] });
    expect(find(p, "ScaledObject").spec.cooldownPeriod).toBeUndefined();
    expect(p.warnings.map((w) => w.code)).toEqual(["ZS-KEDA-RESOURCE-ZERO"]);
  });
});
