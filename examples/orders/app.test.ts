// examples/orders' own test: the graph, both Kubernetes backends, and the handlers.
import "zeroscale/testing/vitest";
import { describe, expect, it } from "vitest";
import { type ServerlessFunction, synth } from "zeroscale";
import { keda } from "zeroscale/providers/keda";
import { knative } from "zeroscale/providers/knative";
import { Testing } from "zeroscale/testing";
import { app, buildOrdersApp } from "./app.js";

describe("examples/orders", () => {
  const graph = synth(app);

  it("has an API on /orders with a nightly schedule, and a queue worker scaled on backlog", () => {
    expect(Testing.triggersOf(graph, "orders/api").map((t) => t.source.type)).toEqual(["http", "schedule"]);
    expect(Testing.triggersOf(graph, "orders/worker").map((t) => t.source)).toEqual([
      { type: "queue", broker: "redis", connection: { url: "redis://127.0.0.1:6379" }, name: "orders", consumerGroup: "workers", batchSize: 1 },
    ]);
    expect(Testing.scalingOf(graph, "orders/worker")).toMatchObject({ minInstances: 0, maxInstances: 20, metric: { type: "queueLength", target: 10 }, idleTimeoutSeconds: 120 });
  });

  it("reads as intended, with the kit's matchers", () => {
    const api = app.node.findChild("api") as ServerlessFunction;
    const worker = app.node.findChild("worker") as ServerlessFunction;
    expect(api).toHaveTrigger({ http: { path: "/orders", methods: ["GET", "POST"] } });
    expect(api).toHaveTrigger({ schedule: "0 3 * * *" });
    expect(worker).toHaveTrigger({ queue: { broker: "redis", name: "orders" } });
    expect(worker).toHaveScaling({ min: 0, max: 20, metric: { queueLength: 10 }, idleTimeout: "2m" });
    expect(Testing.compile(app, keda({ registry: "r.example.com/o" }))).toContainResource("keda.sh/v1alpha1", "ScaledObject", {
      spec: { minReplicaCount: 0, maxReplicaCount: 20, cooldownPeriod: 120 },
    });
  });

  it("the worker scales out on backlog and back to zero under KEDA semantics", () => {
    const worker = app.node.findChild("worker") as ServerlessFunction;
    const r = Testing.replay(worker, { depth: [{ at: 0, value: 200 }, { at: 60, value: 0 }] }, { backend: "keda" });
    expect(r).toReachInstances(20, { within: "60s" });
    expect(r).toBeAtZeroAfter("2m");
  });

  it("takes per-environment settings without changing its shape", () => {
    const prod = synth(buildOrdersApp({ redisUrl: "redis://redis.prod:6379", name: "orders-prod" }));
    expect(prod.nodes.map((n) => n.kind)).toEqual(graph.nodes.map((n) => n.kind));
    expect(Testing.function(prod, "orders-prod/api").env["REDIS_URL"]).toBe("redis://redis.prod:6379");
  });

  it("compiles for Knative (push: RedisStreamSource, retried through a Channel) and KEDA (push: the zeroscale dispatcher)", () => {
    const kn = knative({ registry: "registry.example.com/orders" }).compile(graph);
    // PingSource and RedisStreamSource have no delivery field: each sends to a Channel whose Subscription retries.
    expect(kn.resources.map((r) => r.manifest.kind)).toEqual(["Service", "Service", "HTTPRoute", "Channel", "Subscription", "PingSource", "Channel", "Subscription", "RedisStreamSource"]);
    const kd = keda({ registry: "registry.example.com/orders" }).compile(graph);
    // The worker's queue: a dispatcher Deployment + its metrics Service + its ScaledObject (0..1) push each message to the worker.
    expect(kd.resources.map((r) => r.manifest.kind)).toEqual(["Deployment", "Service", "Deployment", "Service", "HTTPScaledObject", "ScaledObject", "CronJob", "Deployment", "Service", "ScaledObject"]);
  });

  it("the worker accepts CloudEvents and rejects other requests", async () => {
    const { handler } = await import("./src/worker.js");
    const ok: Response = await handler(new Request("http://w/", { method: "POST", headers: { "ce-type": "dev.zeroscale.queue", "ce-id": "1", "ce-specversion": "1.0", "ce-source": "/t" }, body: '{"sku":"a"}' }));
    expect(ok.status).toBe(204);
    const bad: Response = await handler(new Request("http://w/", { method: "POST", body: "{}" }));
    expect(bad.status).toBe(400);
  });
});
