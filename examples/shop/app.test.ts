// examples/shop's own test: composition, the construct tree, per-environment settings, every backend.
import "zeroscale/testing/vitest";
import { describe, expect, it } from "vitest";
import { synth } from "zeroscale";
import { docker } from "zeroscale/providers/docker";
import { keda } from "zeroscale/providers/keda";
import { knative } from "zeroscale/providers/knative";
import { Testing } from "zeroscale/testing";
import { app, buildShop } from "./app.js";
import type { Microservice } from "./microservice.js";

describe("examples/shop", () => {
  const graph = synth(app);
  const cart = app.node.findChild("cart") as Microservice;

  it("reuses one construct three times: each is a subtree with a function, a route and a policy", () => {
    for (const service of ["cart", "catalog", "checkout"]) {
      expect(Testing.nodes(graph, { under: `shop-dev/${service}` }).map((n) => n.kind)).toEqual(["function", "scalingPolicy", "trigger"]);
    }
    expect(cart.fn).toHaveTrigger({ http: "/cart" });
    expect(cart.fn).toScaleToZeroAfter("2m");
    expect(Testing.function(graph, "shop-dev/cart/fn").secrets).toEqual({ DATABASE_URL: { secret: "shop-cart-db", key: "url" } });
  });

  it("changes only settings between environments", () => {
    const prod = buildShop({ name: "prod" });
    const catalog = prod.node.findChild("catalog") as Microservice;
    expect(catalog.fn).toHaveScaling({ min: 2, max: 50 });
    expect((app.node.findChild("catalog") as Microservice).fn).toHaveScaling({ min: 0, max: 2 });
    expect(synth(prod).nodes.map((n) => n.kind)).toEqual(graph.nodes.map((n) => n.kind));
  });

  it("synthesizes for every backend", () => {
    expect(Testing.compile(app, knative({ registry: "registry.example.com/shop" }))).toContainResource("serving.knative.dev/v1", "Service", {
      spec: { template: { spec: { containers: [{ env: [{ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "shop-cart-db", key: "url" } } }, { name: "SERVICE", value: "cart" }] }] } } },
    });
    expect(Testing.compile(app, keda({ registry: "registry.example.com/shop" }))).toContainResource("http.keda.sh/v1alpha1", "HTTPScaledObject", { spec: { pathPrefixes: ["/checkout"] } });
    expect(Testing.compile(app, docker()).plan.containers).toHaveLength(2 + 2 + 1);
  });

  it("each service answers", async () => {
    const { handler } = await import("./services/cart/index.js");
    expect(await (await handler(new Request("http://x/cart/items"))).json()).toMatchObject({ path: "/cart/items" });
  });
});
