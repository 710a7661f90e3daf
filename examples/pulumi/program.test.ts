// examples/pulumi's own test: the whole program under Pulumi mocks (no CLI, no cluster, no cloud account), every backend.
// test/pulumi-program.test.ts runs the same program the way the Pulumi CLI does (its program runner).
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { shopStack } from "./program.js";

const registered: { type: string; name: string; inputs: Record<string, any> }[] = [];
const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply((v) => resolve(v)));
/** What a push reports for `imageName` ("repo:tag"): the repository and a digest (the same for a name, like the registry's). */
const repoDigest = (imageName: string) => `${imageName.replace(/:[^:/]*$/, "")}@sha256:${Buffer.from(imageName).toString("hex").padEnd(64, "0").slice(0, 64)}`;

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        registered.push({ type: a.type, name: a.name, inputs: a.inputs });
        // @pulumi/docker's Image outputs the pushed digest; everything else echoes its inputs.
        const state = a.type === "docker:index/image:Image" ? { ...a.inputs, repoDigest: repoDigest(a.inputs["imageName"]) } : a.inputs;
        return { id: `${a.name}-id`, state };
      },
      call: (a) => a.inputs,
    },
    "zeroscale-shop",
    "prod",
  );
  for (const [k, v] of Object.entries({ cartDbUrl: "postgres://cart", catalogDbUrl: "postgres://catalog", ordersDbUrl: "postgres://orders", registry: "registry.example.com/shop" })) {
    pulumi.runtime.setConfig(`zeroscale-shop:${k}`, v);
  }
});

describe("examples/pulumi", () => {
  it("deploys the shop to Knative: three Services and routes, Secrets from config secrets, images pushed and run by digest", async () => {
    const before = registered.length;
    const out = shopStack("knative", new pulumi.Config());
    const urls = await value(pulumi.all(out.urls));
    await value(out.urns);
    expect(Object.keys(urls).sort()).toEqual(["shop/cart/route", "shop/catalog/route", "shop/checkout/route"]);
    const mine = registered.slice(before);
    const services = mine.filter((r) => r.type === "kubernetes:serving.knative.dev/v1:Service");
    expect(services).toHaveLength(3);
    for (const r of services) expect(r.inputs["metadata"].namespace).toBe("shop");
    expect(mine.filter((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")).toHaveLength(3);
    expect(mine.filter((r) => r.type === "kubernetes:core/v1:Secret").map((r) => r.inputs["metadata"].name).sort()).toEqual(["shop-cart-db", "shop-catalog-db", "shop-orders-db"]);

    // Each code function's image is built and pushed to <registry>/<function id>, and its Service runs the pushed digest.
    const images = mine.filter((r) => r.type === "docker:index/image:Image");
    expect(images.map((i) => i.inputs["imageName"].replace(/:[^:/]*$/, "")).sort()).toEqual([
      "registry.example.com/shop/shop-cart-fn",
      "registry.example.com/shop/shop-catalog-fn",
      "registry.example.com/shop/shop-checkout-fn",
    ]);
    const digests = images.map((i) => repoDigest(i.inputs["imageName"])).sort();
    const running = services.map((s) => s.inputs["spec"].template.spec.containers[0].image as string).sort();
    expect(running).toEqual(digests);
    for (const image of running) expect(image).toMatch(/^registry\.example\.com\/shop\/shop-[a-z]+-fn@sha256:[0-9a-f]{64}$/);
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

  // The public clouds: each service on the platform's own serverless container resource, its image
  // pushed to that cloud's registry and run by digest.
  const clouds = [
    { backend: "cloudrun", registry: "europe-west1-docker.pkg.dev/shop-prod/shop", config: { gcpProject: "shop-prod" }, service: "gcp:cloudrunv2/service:Service", image: (r: Record<string, any>) => r["template"]?.containers?.[0]?.image },
    { backend: "aca", registry: "shopacr.azurecr.io/shop", config: {}, service: "azure-native:app:ContainerApp", image: (r: Record<string, any>) => r["template"]?.containers?.[0]?.image },
    { backend: "lambda", registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop", config: { awsRegion: "eu-west-1" }, service: "aws:lambda/function:Function", image: (r: Record<string, any>) => r["imageUri"] },
  ] as const;
  for (const c of clouds) {
    it(`deploys the shop to ${c.backend}: three services, each running its pushed image by digest`, async () => {
      for (const [k, v] of Object.entries({ registry: c.registry, ...c.config })) pulumi.runtime.setConfig(`zeroscale-shop:${k}`, v);
      const before = registered.length;
      const out = shopStack(c.backend, new pulumi.Config());
      await value(out.urns);
      const images = await value(pulumi.output(out.images));
      const mine = registered.slice(before);
      const services = mine.filter((r) => r.type === c.service);
      expect(services.map((r) => r.name).length).toBe(3);
      expect(Object.keys(images).sort()).toEqual(["shop/cart/fn", "shop/catalog/fn", "shop/checkout/fn"]);
      const pushed = mine.filter((r) => r.type === "docker:index/image:Image").map((r) => repoDigest(r.inputs["imageName"]));
      expect(pushed).toHaveLength(3);
      for (const p of pushed) expect(p.startsWith(`${c.registry}/`), p).toBe(true);
      expect(services.map((r) => c.image(r.inputs)).sort()).toEqual([...pushed].sort());
      expect(Object.values(images).sort()).toEqual([...pushed].sort());
    });
  }
});
