import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import {
  App,
  Duration,
  EventTrigger,
  FUNCTION_DEFAULTS,
  graphSchemaErrors,
  POLICY_DEFAULTS,
  ScalingPolicy,
  ServerlessFunction,
  synth,
} from "zeroscale";
import { Testing } from "zeroscale/testing";

/** A user construct grouping a function, its route and its policy (the composition users write). */
class Microservice extends Construct {
  readonly fn: ServerlessFunction;
  constructor(scope: Construct, id: string, props: { image: string; path: string; max: number }) {
    super(scope, id);
    this.fn = new ServerlessFunction(this, "fn", { image: props.image, secrets: { DB_URL: { secret: `${id}-db`, key: "url" } } });
    new EventTrigger(this, "route", { target: this.fn, http: { path: props.path } });
    new ScalingPolicy(this, "scaling", { target: this.fn, maxInstances: props.max, idleTimeout: "5m" });
  }
}

function shopApp(order: "forward" | "reverse" = "forward"): App {
  const app = new App({ name: "shop", labels: { team: "checkout" } });
  const names = ["cart", "catalog", "orders"];
  for (const name of order === "forward" ? names : [...names].reverse()) {
    new Microservice(app, name, { image: `registry.example.com/shop/${name}:1.0.0`, path: `/${name}`, max: 5 });
  }
  const worker = new ServerlessFunction(app, "worker", { build: { context: "worker", args: { B: "2", A: "1" } }, env: { Z: "z", A: "a" } });
  worker.addTrigger("nightly", { schedule: { cron: "0 3 * * *", timezone: "Europe/Berlin", data: { full: true } } });
  worker.addTrigger("orders", { queue: { broker: "redis", connection: { secret: "redis", key: "url" }, name: "orders" } });
  worker.addScalingPolicy({ metric: { queueLength: 10 }, maxInstances: 20 });
  return app;
}

describe("synth", () => {
  it("resolves every default of a minimal function", () => {
    const app = new App({ name: "shop" });
    new ServerlessFunction(app, "api", { image: "registry.example.com/shop/api:1.4.2" });
    const graph = synth(app);
    const fn = Testing.function(graph, "shop/api");
    expect(fn).toMatchObject({
      port: FUNCTION_DEFAULTS.port,
      memory: FUNCTION_DEFAULTS.memory,
      cpu: FUNCTION_DEFAULTS.cpu,
      timeoutSeconds: FUNCTION_DEFAULTS.timeoutSeconds,
      concurrency: FUNCTION_DEFAULTS.concurrency,
      readinessPath: "/",
      command: null,
      args: null,
      env: {},
      secrets: {},
      security: { runAsNonRoot: true, runAsUser: 65532, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, relaxed: [] },
    });
    const policy = Testing.scalingOf(graph, "shop/api");
    expect(policy).toMatchObject({
      implicit: true,
      minInstances: POLICY_DEFAULTS.minInstances,
      maxInstances: POLICY_DEFAULTS.maxInstances,
      initialInstances: 1,
      metric: { type: "concurrency", target: FUNCTION_DEFAULTS.concurrency },
      targetUtilizationPercent: 70,
      idleTimeoutSeconds: 90,
      stableWindowSeconds: 60,
      burst: { panicWindowPercent: 10, panicThresholdPercent: 200 },
    });
  });

  it("resolves explicit props, durations to seconds", () => {
    const app = new App({ name: "shop" });
    const api = new ServerlessFunction(app, "api", { image: "r.example.com/api:1", timeout: Duration.seconds(30), concurrency: 80, memory: "512Mi" });
    api.addScalingPolicy({ minInstances: 2, maxInstances: 8, metric: { rps: 150 }, scaleDownDelay: "2m", stableWindow: Duration.minutes(2) });
    const graph = synth(app);
    expect(Testing.function(graph, "shop/api")).toMatchObject({ timeoutSeconds: 30, concurrency: 80, memory: "512Mi" });
    expect(Testing.scalingOf(graph, "shop/api")).toMatchObject({
      implicit: false,
      minInstances: 2,
      maxInstances: 8,
      initialInstances: 2,
      metric: { type: "rps", target: 150 },
      idleTimeoutSeconds: null,
      scaleDownDelaySeconds: 120,
      stableWindowSeconds: 120,
    });
  });

  it("a composite construct appears as a subtree of the graph", () => {
    const graph = synth(shopApp());
    expect(Testing.nodes(graph, { under: "shop/cart" }).map((n) => [n.kind, n.id])).toEqual([
      ["function", "shop/cart/fn"],
      ["scalingPolicy", "shop/cart/scaling"],
      ["trigger", "shop/cart/route"],
    ]);
    expect(Testing.triggersOf(graph, "shop/cart/fn").map((t) => t.source)).toEqual([{ type: "http", path: "/cart", methods: [], host: null }]);
    expect(Testing.function(graph, "shop/cart/fn").secrets).toEqual({ DB_URL: { secret: "cart-db", key: "url" } });
  });

  it("adds edges for invocation, scaling and explicit dependencies", () => {
    const app = shopApp();
    const cart = app.node.findChild("cart") as Construct;
    cart.node.addDependency(app.node.findChild("catalog"));
    const graph = synth(app);
    expect(graph.edges.filter((e) => e.from.startsWith("shop/cart/"))).toEqual([
      { from: "shop/cart/fn", to: "shop/catalog/fn", kind: "dependsOn" },
      { from: "shop/cart/fn", to: "shop/catalog/route", kind: "dependsOn" },
      { from: "shop/cart/fn", to: "shop/catalog/scaling", kind: "dependsOn" },
      { from: "shop/cart/route", to: "shop/cart/fn", kind: "invokes" },
      { from: "shop/cart/route", to: "shop/catalog/fn", kind: "dependsOn" },
      { from: "shop/cart/route", to: "shop/catalog/route", kind: "dependsOn" },
      { from: "shop/cart/route", to: "shop/catalog/scaling", kind: "dependsOn" },
      { from: "shop/cart/scaling", to: "shop/cart/fn", kind: "scales" },
      { from: "shop/cart/scaling", to: "shop/catalog/fn", kind: "dependsOn" },
      { from: "shop/cart/scaling", to: "shop/catalog/route", kind: "dependsOn" },
      { from: "shop/cart/scaling", to: "shop/catalog/scaling", kind: "dependsOn" },
    ]);
    // topological: every node after all it depends on
    const position = new Map(graph.nodes.map((n, i) => [n.id, i]));
    for (const e of graph.edges) expect(position.get(e.from)! > position.get(e.to)!, `${e.from} after ${e.to}`).toBe(true);
  });

  it("is deterministic: the same program yields byte-identical JSON, whatever the construction order", () => {
    const a = JSON.stringify(synth(shopApp("forward")));
    const b = JSON.stringify(synth(shopApp("forward")));
    const c = JSON.stringify(synth(shopApp("reverse")));
    expect(b).toBe(a);
    expect(c).toBe(a);
    const worker = Testing.function(synth(shopApp()), "shop/worker");
    expect(Object.keys(worker.env)).toEqual(["A", "Z"]);
    expect(worker.source).toEqual({ type: "build", context: "worker", dockerfile: "Dockerfile", args: { A: "1", B: "2" } });
  });

  it("produces a graph that validates against the shipped JSON Schema, which rejects broken graphs", () => {
    const graph = JSON.parse(JSON.stringify(synth(shopApp())));
    expect(graphSchemaErrors(graph)).toEqual([]);
    graph.nodes[0].port = "8080";
    const t = graph.nodes.findIndex((n: { kind: string }) => n.kind === "trigger");
    delete graph.nodes[t].target;
    graph.edges[0].kind = "calls";
    expect(graphSchemaErrors(graph)).toEqual(
      expect.arrayContaining([
        "/nodes/0/port must be integer",
        `/nodes/${t} must have required property 'target'`,
        "/edges/0/kind must be equal to one of the allowed values",
      ]),
    );
  });

  it("derives stable DNS names for every node", () => {
    const graph = synth(shopApp());
    for (const n of graph.nodes) expect(n.name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(Testing.function(graph, "shop/cart/fn").name).toMatch(/^shop-cart-fn-[0-9a-f]{8}$/);
    expect(new Set(graph.nodes.map((n) => n.name)).size).toBe(graph.nodes.length);
  });

  it("queue triggers default their consumer group and batch size", () => {
    const graph = synth(shopApp());
    const t = Testing.trigger(graph, "shop/worker/orders");
    expect(t.source).toEqual({ type: "queue", broker: "redis", connection: { secret: "redis", key: "url" }, name: "orders", consumerGroup: t.name, batchSize: 1 });
  });

  it("fn.addTrigger and fn.addScalingPolicy create the same nodes as the constructors", () => {
    const viaMethods = new App({ name: "a" });
    const f1 = new ServerlessFunction(viaMethods, "api", { image: "r.example.com/api:1" });
    f1.addTrigger("http", { http: { path: "/api" } });
    f1.addScalingPolicy({ maxInstances: 3 });
    const viaConstructors = new App({ name: "a" });
    const f2 = new ServerlessFunction(viaConstructors, "api", { image: "r.example.com/api:1" });
    new EventTrigger(f2, "http", { target: f2, http: { path: "/api" } });
    new ScalingPolicy(f2, "scaling", { target: f2, maxInstances: 3 });
    expect(JSON.stringify(synth(viaMethods))).toBe(JSON.stringify(synth(viaConstructors)));
  });

  it("stays linear: 2,000 functions synthesize (no per-node scans of the whole tree)", () => {
    const app = new App({ name: "big" });
    for (let i = 0; i < 2000; i++) {
      const fn = new ServerlessFunction(app, `fn${i}`, { image: "r.example.com/fn:1" });
      fn.addTrigger("http", { http: { path: `/fn${i}` } });
      fn.addScalingPolicy({ idleTimeout: "30s" });
    }
    const graph = synth(app);
    expect(graph.nodes).toHaveLength(6000);
    expect(graph.edges).toHaveLength(4000);
  });
});
