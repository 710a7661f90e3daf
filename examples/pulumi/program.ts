// The Pulumi program behind examples/pulumi/index.ts, as a function so tests can run it under mocks.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { deploy } from "zeroscale/pulumi";
import { docker } from "zeroscale/providers/docker";
import { knative } from "zeroscale/providers/knative";
import { buildShop } from "../shop/app.js";

/** examples/shop: its services' `code` paths are relative to it. */
const shopDir = join(dirname(fileURLToPath(import.meta.url)), "../shop");

/** Where the shop goes (config `backend`): a Knative cluster, or the Docker host of `DOCKER_HOST`. */
export type Backend = "knative" | "docker";

/** Deploy examples/shop (prod settings) to Knative or to a Docker host; returns the stack's outputs. */
export function shopStack(backend: Backend, config: pulumi.Config) {
  const app = buildShop({ name: "prod" });
  // Secret values come from Pulumi config secrets: `pulumi config set --secret cartDbUrl ...`.
  const secrets = {
    "shop-cart-db": { url: config.requireSecret("cartDbUrl") },
    "shop-catalog-db": { url: config.requireSecret("catalogDbUrl") },
    "shop-orders-db": { url: config.requireSecret("ordersDbUrl") },
  };
  if (backend === "docker") {
    const d = deploy(app, docker({ port: 8080 }), { secrets, baseDir: shopDir });
    // The images are built on the Docker host and never pushed: no digests to show.
    return { gatewayUrl: d.gatewayUrl, urls: d.urls, images: {}, urns: pulumi.all([d.gateway, ...Object.values(d.containers)].map((r) => r.urn)) };
  }
  // Each code function's image is built with @pulumi/docker, pushed to <registry>/<function id with
  // "/" as "-"> (registry.example.com/shop/shop-cart-fn) and deployed by digest. Without registryUser,
  // Docker's own credentials (`docker login`, credential helpers) push it.
  const registryUser = config.get("registryUser");
  const baseImage = config.get("baseImage"); // FROM of the generated Dockerfiles; default node:20-bookworm-slim
  const k = deploy(
    app,
    knative({ namespace: config.get("namespace") ?? "shop", registry: config.require("registry"), ...(baseImage ? { baseImage } : {}) }),
    {
      secrets,
      baseDir: shopDir,
      ...(registryUser ? { registryAuth: { username: registryUser, password: config.requireSecret("registryPassword") } } : {}),
    },
  );
  const images = Object.fromEntries(Object.entries(k.images).map(([fn, image]) => [fn, image.repoDigest]));
  return { gatewayUrl: pulumi.output(""), urls: k.urls, images, urns: pulumi.all([...Object.values(k.resources), ...Object.values(k.secrets)].map((r) => r.urn)) };
}
