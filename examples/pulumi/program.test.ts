// examples/pulumi's own test: the whole program under Pulumi mocks (no CLI, no cluster), both backends.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { shopStack } from "./program.js";

const registered: { type: string; name: string; inputs: Record<string, any> }[] = [];
const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply((v) => resolve(v)));

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    { newResource: (a) => (registered.push({ type: a.type, name: a.name, inputs: a.inputs }), { id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
    "zeroscale-shop",
    "prod",
  );
  for (const [k, v] of Object.entries({ cartDbUrl: "postgres://cart", catalogDbUrl: "postgres://catalog", ordersDbUrl: "postgres://orders", imageRegistry: "registry.example.com/shop" })) {
    pulumi.runtime.setConfig(`zeroscale-shop:${k}`, v);
  }
});

describe("examples/pulumi", () => {
  it("deploys the shop to Knative: three Services and routes, Secrets from config secrets", async () => {
    const out = shopStack("knative", new pulumi.Config());
    const urls = await value(pulumi.all(out.urls));
    await value(out.urns);
    expect(Object.keys(urls).sort()).toEqual(["shop/cart/route", "shop/catalog/route", "shop/checkout/route"]);
    const mine = registered.filter((r) => r.inputs["metadata"]?.namespace === "shop");
    expect(mine.filter((r) => r.type === "kubernetes:serving.knative.dev/v1:Service")).toHaveLength(3);
    expect(mine.filter((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")).toHaveLength(3);
    expect(mine.filter((r) => r.type === "kubernetes:core/v1:Secret").map((r) => r.inputs["metadata"].name).sort()).toEqual(["shop-cart-db", "shop-catalog-db", "shop-orders-db"]);
  });

  it("deploys the shop to Docker: the gateway and each service's containers", async () => {
    const before = registered.length;
    const out = shopStack("docker", new pulumi.Config());
    expect(await value(out.gatewayUrl)).toBe("http://localhost:8080");
    await value(out.urns);
    const mine = registered.slice(before);
    // each service's maxInstances containers, the gateway (data plane) and its controller (the only one with the Docker socket)
    expect(mine.filter((r) => r.type === "docker:index/container:Container").length).toBe(20 + 50 + 10 + 2);
    expect(mine.filter((r) => r.type === "docker:index/image:Image").length).toBe(1 + 3); // gateway + three code services
  });
});
