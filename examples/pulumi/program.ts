// The Pulumi program behind examples/pulumi/index.ts, as a function so tests can run it under mocks.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { deploy } from "zeroscale/pulumi";
import { docker } from "zeroscale/providers/docker";
import { knative } from "zeroscale/providers/knative";
import { buildShop } from "../shop/app.js";

const shopDir = join(dirname(fileURLToPath(import.meta.url)), "../shop");

/** Deploy examples/shop (prod settings) to Knative or to a Docker host; returns the stack's outputs. */
export function shopStack(backend: "knative" | "docker", config: pulumi.Config) {
  const app = buildShop({ name: "prod" });
  // Secret values come from Pulumi config secrets: `pulumi config set --secret cartDbUrl ...`.
  const secrets = {
    "shop-cart-db": { url: config.requireSecret("cartDbUrl") },
    "shop-catalog-db": { url: config.requireSecret("catalogDbUrl") },
    "shop-orders-db": { url: config.requireSecret("ordersDbUrl") },
  };
  if (backend === "docker") {
    const d = deploy(app, docker({ port: 8080 }), { secrets, baseDir: shopDir });
    return { gatewayUrl: d.gatewayUrl, urls: d.urls, urns: pulumi.all([d.gateway, ...Object.values(d.containers)].map((r) => r.urn)) };
  }
  const k = deploy(app, knative({ namespace: "shop", imageRegistry: config.require("imageRegistry"), imageTag: config.get("imageTag") ?? "latest" }), { secrets });
  return { gatewayUrl: pulumi.output(""), urls: k.urls, urns: pulumi.all([...Object.values(k.resources), ...Object.values(k.secrets)].map((r) => r.urn)) };
}
