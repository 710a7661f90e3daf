import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { App, formatDiagnostic, ServerlessFunction, synth } from "zeroscale";
import { type KubeObject, type KubePlan, knative } from "zeroscale/providers/knative";
import { buildOrdersApp } from "../examples/orders/app.js";
import { validateManifest } from "./support/models.js";

const IMAGE = "registry.example.com/shop/api:1.4.2";
// Most of these apps' functions have no trigger: the ZS-FN-NO-TRIGGER warning (test/errors.test.ts) is dropped here.
const compile = (app: App, opts: Parameters<typeof knative>[0] = {}) => knative({ namespace: "shop", ...opts }).compile(withoutNoTrigger(synth(app)));
const withoutNoTrigger = (g: ReturnType<typeof synth>) => ({ ...g, warnings: g.warnings.filter((w) => w.code !== "ZS-FN-NO-TRIGGER") });
const find = (plan: KubePlan, kind: string, name?: string) =>
  plan.resources.map((r) => r.manifest).find((m) => m.kind === kind && (name === undefined || m.metadata.name === name)) as KubeObject & { spec: any };

function shop() {
  const app = new App({ name: "shop" });
  const api = new ServerlessFunction(app, "api", {
    image: IMAGE,
    memory: "256Mi",
    cpu: "250m",
    timeout: "30s",
    concurrency: 80,
    port: 9000,
    readinessPath: "/healthz",
    env: { LOG_LEVEL: "info" },
    secrets: { DB_URL: { secret: "shop-db", key: "url" } },
  });
  return { app, api };
}

describe("knative: ServerlessFunction -> serving.knative.dev/v1 Service", () => {
  const { app, api } = shop();
  api.addScalingPolicy({ minInstances: 0, maxInstances: 20, metric: { concurrency: 50 }, idleTimeout: "5m", scaleDownDelay: "30s", initialInstances: 2, burst: { panicWindowPercent: 20, panicThresholdPercent: 300 } });
  const plan = compile(app);
  const ksvc = find(plan, "Service");

  it("maps the container: image, port, env, secretKeyRef, resources, probe, concurrency, timeout", () => {
    const spec = ksvc.spec.template.spec;
    expect(spec.containerConcurrency).toBe(80);
    expect(spec.timeoutSeconds).toBe(30);
    const c = spec.containers[0];
    expect(c.image).toBe(IMAGE);
    expect(c.ports).toEqual([{ name: "http1", containerPort: 9000 }]);
    expect(c.env).toEqual([
      { name: "DB_URL", valueFrom: { secretKeyRef: { name: "shop-db", key: "url" } } },
      { name: "LOG_LEVEL", value: "info" },
    ]);
    expect(c.resources).toEqual({ limits: { cpu: "250m", memory: "256Mi" }, requests: { cpu: "250m", memory: "256Mi" } });
    expect(c.readinessProbe).toEqual({ httpGet: { path: "/healthz" } });
  });

  it("meets the restricted Pod Security Standard, with a writable /tmp", () => {
    const spec = ksvc.spec.template.spec;
    expect(spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(spec.containers[0].volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
    expect(spec.volumes).toEqual([{ name: "tmp", emptyDir: {} }]);
  });

  it("puts autoscaling annotations on spec.template.metadata, never on the Service's metadata", () => {
    expect(Object.keys(ksvc.metadata.annotations).filter((k) => k.startsWith("autoscaling.knative.dev"))).toEqual([]);
    expect(ksvc.spec.template.metadata.annotations).toEqual({
      "autoscaling.knative.dev/class": "kpa.autoscaling.knative.dev",
      "autoscaling.knative.dev/metric": "concurrency",
      "autoscaling.knative.dev/target": "50",
      "autoscaling.knative.dev/target-utilization-percentage": "70",
      "autoscaling.knative.dev/min-scale": "0",
      "autoscaling.knative.dev/max-scale": "20",
      "autoscaling.knative.dev/initial-scale": "2",
      "autoscaling.knative.dev/window": "60s",
      "autoscaling.knative.dev/panic-window-percentage": "20",
      "autoscaling.knative.dev/panic-threshold-percentage": "300",
      "autoscaling.knative.dev/scale-to-zero-pod-retention-period": "240s",
      "autoscaling.knative.dev/scale-down-delay": "30s",
    });
  });

  it("labels and annotates ownership", () => {
    expect(ksvc.metadata.namespace).toBe("shop");
    expect(ksvc.metadata.labels).toMatchObject({ "app.kubernetes.io/part-of": "shop", "app.kubernetes.io/managed-by": "zeroscale", "app.kubernetes.io/component": "function" });
    expect(ksvc.metadata.annotations).toMatchObject({ "zeroscale.dev/owner": "shop/api", "zeroscale.dev/path": "shop/api" });
  });

  it("validates with @kubernetes-models/knative (which does reject a wrong type)", () => {
    expect(validateManifest(ksvc)).toBe("model");
    const broken = structuredClone(ksvc) as typeof ksvc;
    broken.spec.template.spec.containerConcurrency = "eighty";
    expect(() => validateManifest(broken)).toThrow(/containerConcurrency must be integer/);
  });
});

describe("knative: idleTimeout = window + max(grace period, retention)", () => {
  const idleOf = (idle: string, window?: string, grace?: string) => {
    const { app, api } = shop();
    api.addScalingPolicy({ idleTimeout: idle, ...(window ? { stableWindow: window } : {}) });
    const plan = compile(app, grace ? { scaleToZeroGracePeriod: grace } : {});
    return { plan, ann: find(plan, "Service").spec.template.metadata.annotations, view: knative().view(plan).functions["shop/api"] };
  };

  it("honours T >= W + G exactly through the retention period", () => {
    const { ann, view, plan } = idleOf("10m");
    expect(ann["autoscaling.knative.dev/window"]).toBe("60s");
    expect(ann["autoscaling.knative.dev/scale-to-zero-pod-retention-period"]).toBe("540s");
    expect(view?.idleTimeoutSeconds).toBe(600);
    expect(plan.warnings).toEqual([]);
  });

  it("says so, with the real value, when T is below W + G", () => {
    const { view, plan } = idleOf("40s", "30s", "20s");
    expect(view?.idleTimeoutSeconds).toBe(50);
    expect(plan.warnings.map(formatDiagnostic)).toEqual([
      'shop/api/scaling: idleTimeout ("40s") becomes 50s on Knative: stable window (30s) + max(grace period 20s, retention 10s); set idleTimeout >= 50s, or a shorter stableWindow.',
    ]);
  });
});

describe("knative: metrics", () => {
  it("rps uses the KPA with an rps target", () => {
    const { app, api } = shop();
    api.addScalingPolicy({ metric: { rps: 150 } });
    const ann = find(compile(app), "Service").spec.template.metadata.annotations;
    expect(ann).toMatchObject({ "autoscaling.knative.dev/class": "kpa.autoscaling.knative.dev", "autoscaling.knative.dev/metric": "rps", "autoscaling.knative.dev/target": "150" });
  });

  it("cpu switches to the HPA class, which cannot reach zero: min-scale 1 with a warning", () => {
    const { app, api } = shop();
    api.addScalingPolicy({ metric: { cpu: 75 } });
    const plan = compile(app);
    const ann = find(plan, "Service").spec.template.metadata.annotations;
    expect(ann).toMatchObject({ "autoscaling.knative.dev/class": "hpa.autoscaling.knative.dev", "autoscaling.knative.dev/metric": "cpu", "autoscaling.knative.dev/target": "75", "autoscaling.knative.dev/min-scale": "1" });
    expect(ann["autoscaling.knative.dev/window"]).toBeUndefined();
    // The HPA class also keeps the Kubernetes HPA's 300 s scale-down stabilization, not the declared 0 s.
    expect(plan.warnings.map((w) => w.code)).toEqual(["ZS-KNATIVE-HPA-ZERO", "ZS-KNATIVE-HPA-DOWN-DELAY"]);
    expect(knative().view(plan).functions["shop/api"]).toMatchObject({ minInstances: 1, idleTimeoutSeconds: null });
  });

  it("memory percent becomes MiB per pod (Knative's HPA memory target unit)", () => {
    const { app, api } = shop();
    api.addScalingPolicy({ minInstances: 1, metric: { memory: 50 } });
    const plan = compile(app);
    expect(find(plan, "Service").spec.template.metadata.annotations["autoscaling.knative.dev/target"]).toBe("128");
    expect(plan.warnings.map((w) => w.code)).toEqual(["ZS-KNATIVE-MEMORY-TARGET", "ZS-KNATIVE-HPA-DOWN-DELAY"]);
  });
});

describe("knative: triggers", () => {
  const orders = compile(buildOrdersApp({ redisUrl: "redis://redis.data:6379" }), { registry: "registry.example.com/orders" });

  it("http -> a Gateway API HTTPRoute to Knative's internal ingress, Host rewritten to the Service", () => {
    const route = find(orders, "HTTPRoute");
    expect(route.spec).toEqual({
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "zeroscale-gateway", namespace: "shop" }],
      rules: [
        {
          matches: [
            { path: { type: "PathPrefix", value: "/orders" }, method: "GET" },
            { path: { type: "PathPrefix", value: "/orders" }, method: "POST" },
          ],
          filters: [{ type: "URLRewrite", urlRewrite: { hostname: `${find(orders, "Service").metadata.name}.shop.svc.cluster.local` } }],
          backendRefs: [{ group: "", kind: "Service", name: "kourier-internal", namespace: "kourier-system", port: 80 }],
        },
      ],
    });
    expect(validateManifest(route)).toBe("model");
  });

  it("schedule -> a PingSource with schedule, timezone and JSON data, sending to its Channel; the Subscription delivers to the Service with the default delivery", () => {
    const ping = find(orders, "PingSource");
    const service = find(orders, "Service").metadata.name;
    const channel = { apiVersion: "messaging.knative.dev/v1", kind: "Channel", name: ping.metadata.name };
    expect(ping.spec).toEqual({ schedule: "0 3 * * *", timezone: "UTC", contentType: "application/json", data: '{"task":"reconcile"}', sink: { ref: channel } });
    expect(find(orders, "Channel", ping.metadata.name).spec).toEqual({});
    // PingSource has no delivery field: the defaults (3 retries, exponential from 1s, the function's 10s per attempt) are on the Subscription
    expect(find(orders, "Subscription", ping.metadata.name).spec).toEqual({
      channel,
      subscriber: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: service } },
      delivery: { retry: 3, backoffPolicy: "exponential", backoffDelay: "PT1S", timeout: "PT10S" },
    });
    expect(validateManifest(ping)).toBe("model");
    expect(validateManifest(find(orders, "Channel"))).toBe("upstream");
    expect(validateManifest(find(orders, "Subscription"))).toBe("upstream");
  });

  it("redis queue -> a RedisStreamSource through its Channel; queueLength is approximated, with a warning", () => {
    const src = find(orders, "RedisStreamSource");
    expect(src.spec).toMatchObject({ address: "redis://redis.data:6379", stream: "orders", group: "workers", sink: { ref: { kind: "Channel", name: src.metadata.name } } });
    expect(src.spec.delivery).toBeUndefined();
    expect(validateManifest(src)).toBe("upstream");
    // The schedule's and the queue's retries run through a Channel (InMemoryChannel counts retries from 0): said, per trigger.
    expect(orders.warnings.map((w) => [w.code, w.path])).toEqual([
      ["ZS-KNATIVE-DELIVERY", "orders/api/nightly"],
      ["ZS-KNATIVE-DELIVERY", "orders/worker/orders"],
      ["ZS-KNATIVE-QUEUE-METRIC", "orders/worker/scaling"],
    ]);
    expect(orders.warnings[0]?.problem).toMatch(/PingSource has no delivery field.*retry n waits delay x 2\^\(n-1\)/);
  });

  it("kafka -> KafkaSource; rabbitmq -> RabbitmqSource through a connection secret", () => {
    const app = new App({ name: "shop" });
    const fn = new ServerlessFunction(app, "fn", { image: IMAGE });
    fn.addTrigger("k", { queue: { broker: "kafka", connection: "k0:9092, k1:9092", name: "events" } });
    fn.addTrigger("r", { queue: { broker: "rabbitmq", connection: { secret: "mq", key: "uri" }, name: "jobs" } });
    const plan = compile(app);
    expect(find(plan, "KafkaSource").spec).toMatchObject({ bootstrapServers: ["k0:9092", "k1:9092"], topics: ["events"] });
    expect(find(plan, "RabbitmqSource").spec).toMatchObject({ rabbitmqClusterReference: { connectionSecret: { name: "mq" } }, rabbitmqResourcesConfig: { queueName: "jobs" } });
    // both carry the (default) delivery themselves, so no Channel
    expect(plan.resources.map((r) => r.manifest.kind)).toEqual(["Service", "KafkaSource", "RabbitmqSource"]);
    expect(plan.resources.map((r) => validateManifest(r.manifest))).toEqual(["model", "upstream", "upstream"]);
  });

  it("queue.batchSize: RabbitmqSource parallelism; Redis and Kafka sources have no field for it, so a warning (never dropped silently)", () => {
    const app = new App({ name: "shop" });
    const fn = new ServerlessFunction(app, "fn", { image: IMAGE });
    fn.addTrigger("redis", { queue: { broker: "redis", connection: "redis://cache:6379", name: "orders", batchSize: 10 } });
    fn.addTrigger("kafka", { queue: { broker: "kafka", connection: "k0:9092", name: "events", batchSize: 50 } });
    fn.addTrigger("rabbit", { queue: { broker: "rabbitmq", connection: { secret: "mq", key: "uri" }, name: "jobs", batchSize: 20 } });
    const plan = compile(app);
    expect(find(plan, "RabbitmqSource").spec.rabbitmqResourcesConfig).toEqual({ queueName: "jobs", predeclared: true, parallelism: 20 });
    expect(Object.keys(find(plan, "RedisStreamSource").spec).sort()).toEqual(["address", "group", "sink", "stream"]);
    expect(find(plan, "RabbitmqSource").spec.delivery).toEqual({ retry: 3, backoffPolicy: "exponential", backoffDelay: "PT1S" });
    for (const r of plan.resources) validateManifest(r.manifest);
    const batch = plan.warnings.filter((w) => w.code === "ZS-KNATIVE-QUEUE-BATCH");
    expect(batch.map((w) => [w.path, w.prop, w.value])).toEqual([
      ["shop/fn/kafka", "queue.batchSize", 50],
      ["shop/fn/redis", "queue.batchSize", 10],
    ]);
    expect(formatDiagnostic(batch[1] as (typeof batch)[number])).toMatch(/^shop\/fn\/redis: queue\.batchSize \(10\) is not applied: RedisStreamSource has no read-count field .*effective batch size 1\)/);
    // the default batch size (1) is what every source does: no warning, no field
    const plain = new App({ name: "shop" });
    new ServerlessFunction(plain, "fn", { image: IMAGE }).addTrigger("redis", { queue: { broker: "redis", connection: "redis://cache:6379", name: "orders" } });
    expect(compile(plain).warnings.map((w) => w.code)).not.toContain("ZS-KNATIVE-QUEUE-BATCH");
  });

  it("build/code functions with a registry: one planned build each, sorted, and containers naming its unpushed placeholder", () => {
    expect(orders.builds).toEqual([
      { fn: "orders/api", repository: "registry.example.com/orders/orders-api", source: { type: "code", path: "src", file: "api.js", export: "handler", baseImage: "node:20-bookworm-slim" } },
      { fn: "orders/worker", repository: "registry.example.com/orders/orders-worker", source: { type: "code", path: "src", file: "worker.js", export: "handler", baseImage: "node:20-bookworm-slim" } },
    ]);
    const images = orders.resources.filter((r) => r.manifest.kind === "Service").map((r) => (r.manifest as any).spec.template.spec.containers[0].image);
    expect(images).toEqual(["registry.example.com/orders/orders-api:zeroscale-unbuilt", "registry.example.com/orders/orders-worker:zeroscale-unbuilt"]);
  });

  it("an images entry wins over the registry (no build planned for it); baseImage reaches the code builds", () => {
    const pinned = `registry.example.com/orders/orders-api@sha256:${"a".repeat(64)}`;
    const plan = compile(buildOrdersApp({ redisUrl: "redis://redis.data:6379" }), { registry: "r.example.com/o/", baseImage: "cgr.dev/chainguard/node:latest", images: { "orders/api": pinned } });
    expect(plan.builds.map((b) => [b.fn, b.repository, b.source.type === "code" ? b.source.baseImage : ""])).toEqual([["orders/worker", "r.example.com/o/orders-worker", "cgr.dev/chainguard/node:latest"]]);
    expect(find(plan, "Service").spec.template.spec.containers[0].image).toBe(pinned);
    expect(plan.warnings.map((w) => w.code)).not.toContain("ZS-POLICY-IMAGE-LATEST");
  });

  it("an images entry with a mutable tag is a ZS-POLICY-IMAGE-LATEST warning naming the entry", () => {
    const plan = compile(buildOrdersApp({ redisUrl: "redis://redis.data:6379" }), { images: { "orders/api": "r.example.com/o/api:latest", "orders/worker": "r.example.com/o/worker:1.0.0" } });
    expect(plan.builds).toEqual([]);
    expect(plan.warnings.filter((w) => w.code === "ZS-POLICY-IMAGE-LATEST").map(formatDiagnostic)).toEqual([
      'orders/api: images["orders/api"] ("r.example.com/o/api:latest") uses the mutable latest tag; pin a version tag, or a digest (zeroscale build writes digests).',
    ]);
  });

  it("no registry and no images entry: ZS-KNATIVE-IMAGE, naming registry, zeroscale build and images; a registry that makes no repository name too", () => {
    const errors = (opts: Parameters<typeof knative>[0]) => {
      try {
        compile(buildOrdersApp({ redisUrl: "redis://redis.data:6379" }), opts);
        return [];
      } catch (e) {
        return (e as { errors: Parameters<typeof formatDiagnostic>[0][] }).errors.map(formatDiagnostic);
      }
    };
    expect(errors({})[0]).toBe(
      'orders/api: code ("src/api.js") is built from source, and knative was given no registry to push its image to nor an image for it; pass knative({ registry: "<host[:port]/path>" }) (deploy() builds and pushes it), or on the CLI run `zeroscale build <program> --registry <registry>`, then `zeroscale synth <program> --images zeroscale.images.json`; or pass knative({ images: { "orders/api": "<repository>@sha256:<digest>" } }).',
    );
    expect(errors({ registry: "https://Registry.example.com/Shop" })[0]).toBe(
      'orders/api: code ("src/api.js") would be pushed as "https://Registry.example.com/Shop/orders-api", which is not an image repository name (knative({ registry: "https://Registry.example.com/Shop" })); give registry as "host[:port]/path" in lowercase, e.g. "registry.example.com/shop", with no scheme, tag or digest.',
    );
  });

  it("every emitted object validates, and the YAML is stable (snapshot after the explicit checks)", () => {
    for (const r of orders.resources) validateManifest(r.manifest);
    const files = knative().artifacts(orders);
    expect(files.map((f) => f.path)).toEqual([
      expect.stringMatching(/^manifests\/orders-api-[0-9a-f]{8}\.yaml$/),
      expect.stringMatching(/^manifests\/orders-worker-[0-9a-f]{8}\.yaml$/),
      "plan.json",
    ]);
    const docs = parseAllDocuments(files[0]?.content ?? "").map((d) => d.toJS().kind);
    expect(docs).toEqual(["Service", "HTTPRoute", "Channel", "Subscription", "PingSource"]);
    expect(files[0]?.content).toMatchSnapshot();
  });
});
