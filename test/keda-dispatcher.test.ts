// keda()'s push delivery: a dispatcher (Deployment + Service + ScaledObject 0..1) per redis / rabbitmq /
// nats queue trigger, the function's extra scaler on what the dispatcher holds, pull mode, Kafka,
// dead letters, and the schedule CronJob's delivery script. The dispatcher program itself runs in
// test/dispatcher.process.test.ts, the script in test/schedule-script.test.ts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth, type TriggerNode } from "zeroscale";
import { type KubeObject, type KubePlan, keda } from "zeroscale/providers/keda";
import type { DispatchConfig } from "../providers/keda/dispatcher.js";
import { validateManifest } from "./support/models.js";

const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
type Obj = KubeObject & { spec: any };
const objs = (plan: KubePlan) => plan.resources.map((r) => r.manifest) as Obj[];
const dispatchers = (plan: KubePlan, kind: string) => objs(plan).filter((m) => m.kind === kind && m.metadata.labels["app.kubernetes.io/component"] === "dispatcher");
const env = (d: Obj) => d.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
const configOf = (d: Obj) => JSON.parse(env(d).find((e) => e.name === "ZEROSCALE_DISPATCH")?.value ?? "null") as DispatchConfig;

function brokersApp(): App {
  const app = new App({ name: "shop" });
  const fn = new ServerlessFunction(app, "worker", { image: "r.example.com/worker:1", concurrency: 3 });
  fn.addTrigger("redis", { queue: { broker: "redis", connection: "redis://redis.data:6379", name: "orders", consumerGroup: "workers" } });
  fn.addTrigger("rabbit", { queue: { broker: "rabbitmq", connection: { secret: "mq", key: "uri" }, name: "jobs" } });
  fn.addTrigger("nats", { queue: { broker: "nats", connection: "nats://nats.data:4222", name: "EVENTS", consumerGroup: "workers" } });
  fn.addScalingPolicy({ maxInstances: 4, metric: { queueLength: 7 }, idleTimeout: "3m" });
  return app;
}

describe("keda push mode: one dispatcher per queue trigger", () => {
  const graph = synth(brokersApp());
  const plan = keda({ namespace: "shop" }).compile(graph);
  const deployments = dispatchers(plan, "Deployment");
  const scaledObjects = dispatchers(plan, "ScaledObject");
  const trigger = (id: string) => graph.nodes.find((n) => n.id === id) as TriggerNode;

  it("emits a Deployment, a Service and a ScaledObject per trigger, each valid", () => {
    expect(deployments.map((d) => d.metadata.annotations["zeroscale.dev/path"])).toEqual(["shop/worker/nats", "shop/worker/rabbit", "shop/worker/redis"]);
    expect(dispatchers(plan, "Service")).toHaveLength(3);
    expect(scaledObjects).toHaveLength(3);
    for (const r of plan.resources) expect(validateManifest(r.manifest), r.key).toMatch(/model|schema/);
    expect(deployments.map((d) => validateManifest(d))).toEqual(["model", "model", "model"]);
    expect(scaledObjects.map((d) => validateManifest(d))).toEqual(["model", "model", "model"]);
  });

  it("runs the gateway image of this version as node /zeroscale/dispatcher.cjs, restricted, with small requests = limits", () => {
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0];
      expect(c.image).toBe(`zeroscale/gateway:${VERSION}`);
      expect(c.command).toEqual(["node", "/zeroscale/dispatcher.cjs"]);
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } });
      expect(c.resources).toEqual({ limits: { cpu: "200m", memory: "128Mi" }, requests: { cpu: "200m", memory: "128Mi" } });
      expect(c.readinessProbe).toEqual({ httpGet: { path: "/healthz", port: 9090 } });
      expect(d.spec.template.spec.automountServiceAccountToken).toBe(false);
    }
    const other = keda({ namespace: "shop", dispatcherImage: "registry.example.com/zs/gateway@sha256:" + "1".repeat(64) }).compile(graph);
    expect(dispatchers(other, "Deployment").map((d) => d.spec.template.spec.containers[0].image)).toEqual(Array(3).fill("registry.example.com/zs/gateway@sha256:" + "1".repeat(64)));
  });

  it("configures it as env: the trigger node, the function's Service URL, in-flight bound; the broker URL, from the Secret when it is one", () => {
    const redis = configOf(deployments[2] as Obj);
    expect(redis).toEqual({
      app: "shop",
      namespace: "shop",
      trigger: trigger("shop/worker/redis"),
      target: { fn: "shop/worker", url: expect.stringMatching(/^http:\/\/shop-worker-[0-9a-f]{8}\.shop\.svc\.cluster\.local$/) },
      deadLetter: null,
      maxInflight: 12, // max 4 instances x concurrency 3
      connectWaitSeconds: 150,
    });
    const fnService = objs(plan).find((m) => m.kind === "Service" && m.metadata.labels["app.kubernetes.io/component"] === "function") as Obj;
    expect(redis.target.url).toBe(`http://${fnService.metadata.name}.shop.svc.cluster.local`);
    expect(env(deployments[2] as Obj).find((e) => e.name === "ZEROSCALE_BROKER_URL")).toEqual({ name: "ZEROSCALE_BROKER_URL", value: "redis://redis.data:6379" });
    expect(env(deployments[1] as Obj).find((e) => e.name === "ZEROSCALE_BROKER_URL")).toEqual({ name: "ZEROSCALE_BROKER_URL", valueFrom: { secretKeyRef: { name: "mq", key: "uri" } } });
    expect(JSON.stringify(plan.resources)).not.toMatch(/amqp:\/\//);
  });

  it("its pods are not the function's: the function's Service and Deployment never select them", () => {
    const fnService = objs(plan).find((m) => m.kind === "Service" && m.metadata.labels["app.kubernetes.io/component"] === "function") as Obj;
    for (const d of deployments) {
      const labels = d.spec.template.metadata.labels as Record<string, string>;
      expect(Object.entries(fnService.spec.selector as Record<string, string>).every(([k, v]) => labels[k] === v)).toBe(false);
      expect(d.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": d.metadata.name, "app.kubernetes.io/part-of": "shop" });
    }
  });

  it("KEDA scales each dispatcher 0..1 on the broker's unread backlog (redis: lag, KEDA's only setting that wakes from zero) and on what it holds", () => {
    const byPath = (p: string) => scaledObjects.find((s) => s.metadata.annotations["zeroscale.dev/path"] === p) as Obj;
    for (const so of scaledObjects) {
      expect(so.spec).toMatchObject({ scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: so.metadata.name }, minReplicaCount: 0, maxReplicaCount: 1, cooldownPeriod: 180, pollingInterval: 30 });
      expect(so.spec.triggers[1]).toEqual({ type: "metrics-api", name: expect.stringMatching(/-self$/), metadata: { url: `http://${so.metadata.name}.shop.svc.cluster.local:9090/backlog`, valueLocation: "backlog", targetValue: "1" } });
    }
    expect(byPath("shop/worker/redis").spec.triggers[0]).toEqual({ type: "redis-streams", name: expect.stringMatching(/-unread$/), metadata: { address: "redis.data:6379", consumerGroup: "workers", lagCount: "1", stream: "orders" } });
    expect(byPath("shop/worker/rabbit").spec.triggers[0]).toEqual({ type: "rabbitmq", name: expect.stringMatching(/-unread$/), metadata: { mode: "QueueLength", protocol: "amqp", queueName: "jobs", value: "1" }, authenticationRef: { name: expect.stringMatching(/-auth$/) } });
    expect(byPath("shop/worker/nats").spec.triggers[0]).toMatchObject({ type: "nats-jetstream", metadata: { stream: "EVENTS", consumer: "workers", lagThreshold: "1" } });
    // the same TriggerAuthentication as the function's scaler: one per trigger
    expect(objs(plan).filter((m) => m.kind === "TriggerAuthentication")).toHaveLength(1);
  });

  it("the function keeps its broker scalers and also scales on each dispatcher's held backlog; no ZEROSCALE_QUEUES env", () => {
    const so = objs(plan).find((m) => m.kind === "ScaledObject" && m.metadata.labels["app.kubernetes.io/component"] === "autoscaler") as Obj;
    expect(so.spec.triggers.map((t: { type: string }) => t.type)).toEqual(["nats-jetstream", "metrics-api", "rabbitmq", "metrics-api", "redis-streams", "metrics-api"]); // by trigger id
    expect(so.spec.triggers[4].metadata.pendingEntriesCount).toBe("7");
    expect(so.spec.triggers[5].metadata).toEqual({ url: `http://${(deployments[2] as Obj).metadata.name}.shop.svc.cluster.local:9090/backlog`, valueLocation: "backlog", targetValue: "7" });
    const fn = objs(plan).find((m) => m.kind === "Deployment" && m.metadata.labels["app.kubernetes.io/component"] === "function") as Obj;
    expect(env(fn).map((e) => e.name)).toEqual(["PORT"]);
    expect(plan.warnings.map((w) => w.code)).not.toContain("ZS-KEDA-DELIVERY-PULL");
  });

  it("is deterministic", () => {
    expect(keda({ namespace: "shop" }).compile(synth(brokersApp()))).toEqual(plan);
  });
});

describe("keda pull mode and Kafka", () => {
  it('queueDelivery: "pull": no dispatcher, the queue env, and ZS-KEDA-DELIVERY-PULL per trigger naming the effective delivery (none)', () => {
    const plan = keda({ namespace: "shop", queueDelivery: "pull" }).compile(synth(brokersApp()));
    expect(dispatchers(plan, "Deployment")).toEqual([]);
    const so = objs(plan).find((m) => m.kind === "ScaledObject") as Obj;
    expect(so.spec.triggers.map((t: { type: string }) => t.type)).toEqual(["nats-jetstream", "rabbitmq", "redis-streams"]);
    const fn = objs(plan).find((m) => m.kind === "Deployment") as Obj;
    expect(env(fn).map((e) => e.name)).toEqual(["PORT", "ZEROSCALE_QUEUES", "ZEROSCALE_QUEUE_0_URL", "ZEROSCALE_QUEUE_1_URL", "ZEROSCALE_QUEUE_2_URL"]);
    const w = plan.warnings.filter((d) => d.code === "ZS-KEDA-DELIVERY-PULL");
    expect(w.map((d) => d.path)).toEqual(["shop/worker/nats", "shop/worker/rabbit", "shop/worker/redis"]);
    expect(w[0]?.problem).toMatch(/effective: none/);
  });

  it("a Kafka trigger is pulled even in push mode (the dispatcher does not consume Kafka), with the warning", () => {
    const app = new App({ name: "shop" });
    const fn = new ServerlessFunction(app, "k", { image: "r.example.com/k:1" });
    fn.addTrigger("events", { queue: { broker: "kafka", connection: "k0:9092", name: "events", consumerGroup: "g" } });
    const plan = keda({ namespace: "shop" }).compile(synth(app));
    expect(dispatchers(plan, "Deployment")).toEqual([]);
    expect(env(objs(plan).find((m) => m.kind === "Deployment") as Obj).map((e) => e.name)).toContain("ZEROSCALE_QUEUES");
    expect(plan.warnings.filter((d) => d.code === "ZS-KEDA-DELIVERY-PULL").map((d) => d.path)).toEqual(["shop/k/events"]);
  });
});

describe("keda dead letters", () => {
  function app(deadLetterHasQueue: boolean) {
    const a = new App({ name: "dl" });
    const dead = new ServerlessFunction(a, "dead", { image: "r.example.com/dead:1" });
    if (deadLetterHasQueue) dead.addTrigger("own", { queue: { broker: "redis", connection: "redis://r:6379", name: "dead-own" } });
    else dead.addTrigger("http", { http: { path: "/failures" } });
    const w = new ServerlessFunction(a, "w", { image: "r.example.com/w:1" });
    w.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "q" }, delivery: { retries: 5, deadLetter: dead } });
    w.addTrigger("parked", { queue: { broker: "rabbitmq", connection: "amqp://mq:5672", name: "p" }, delivery: { deadLetter: { queue: "p-dead" } } });
    const cronFn = new ServerlessFunction(a, "cron", { image: "r.example.com/c:1" });
    cronFn.addTrigger("nightly", { schedule: { cron: "0 3 * * *", data: { task: "x" } }, delivery: { retries: 2, backoff: { policy: "linear", delay: "5s" }, deadLetter: dead, timeout: "20s" } });
    return a;
  }

  it("a dead-letter function the HTTP add-on scales is reached through the interceptor (so it wakes), on its path, and routes its internal host", () => {
    const plan = keda({ namespace: "shop" }).compile(synth(app(false)));
    const byPath = (p: string) => configOf(dispatchers(plan, "Deployment").find((d) => d.metadata.annotations["zeroscale.dev/path"] === p) as Obj);
    const host = expect.stringMatching(/^dl-dead-[0-9a-f]{8}\.shop\.svc\.cluster\.local$/);
    expect(byPath("dl/w/q").deadLetter).toEqual({ fn: "dl/dead", url: "http://keda-add-ons-http-interceptor-proxy.keda:8080/failures", host });
    expect(byPath("dl/w/q").trigger.delivery).toMatchObject({ retries: 5, deadLetter: { type: "function", target: "dl/dead" } });
    // a queue dead letter is the connector's (same broker): no dead-letter URL
    expect(byPath("dl/w/parked").deadLetter).toBeNull();
    expect(byPath("dl/w/parked").trigger.delivery?.deadLetter).toEqual({ type: "queue", name: "p-dead" });
    const hso = objs(plan).find((m) => m.kind === "HTTPScaledObject" && m.metadata.annotations["zeroscale.dev/owner"] === "dl/dead") as Obj;
    expect(hso.spec.hosts).toEqual(["*", byPath("dl/w/q").deadLetter?.host]);
  });

  it("a dead-letter function scaled by its own ScaledObject is POSTed to its Service", () => {
    const plan = keda({ namespace: "shop" }).compile(synth(app(true)));
    const cfg = configOf(dispatchers(plan, "Deployment").find((d) => d.metadata.annotations["zeroscale.dev/path"] === "dl/w/q") as Obj);
    expect(cfg.deadLetter).toEqual({ fn: "dl/dead", url: expect.stringMatching(/^http:\/\/dl-dead-[0-9a-f]{8}\.shop\.svc\.cluster\.local$/) });
  });

  it("the schedule CronJob's script applies the delivery: the Job never retries itself, backoff and timeout in the env, the dead letter through the interceptor", () => {
    const plan = keda({ namespace: "shop" }).compile(synth(app(false)));
    const cron = objs(plan).find((m) => m.kind === "CronJob") as Obj;
    expect(validateManifest(cron)).toBe("model");
    expect(cron.spec.jobTemplate.spec.backoffLimit).toBe(0);
    const c = cron.spec.jobTemplate.spec.template.spec.containers[0];
    const e = Object.fromEntries((c.env as { name: string; value: string }[]).map((x) => [x.name, x.value]));
    expect(e).toMatchObject({
      BACKOFF: "5 10",
      TIMEOUT: "20",
      CE_SOURCE: "/zeroscale/dl/cron/nightly",
      CE_TRIGGER: "dl/cron/nightly",
      CE_TYPE: "dev.zeroscale.schedule",
      CE_DATA: '{"task":"x"}',
      TARGET_URL: "http://keda-add-ons-http-interceptor-proxy.keda:8080/",
      DEAD_LETTER_URL: "http://keda-add-ons-http-interceptor-proxy.keda:8080/failures",
    });
    expect(e["TARGET_HOST"]).toMatch(/^dl-cron-[0-9a-f]{8}\.shop\.svc\.cluster\.local$/);
    expect(e["DEAD_LETTER_HOST"]).toMatch(/^dl-dead-[0-9a-f]{8}\.shop\.svc\.cluster\.local$/);
    expect(c.command[2]).toContain('-H "ce-zeroscalefailure: $last"');
  });
});
