// The Pulumi program behind examples/pulumi/index.ts, as a function so tests can run it under mocks.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { deploy } from "zeroscale/pulumi";
import { containerApps } from "zeroscale/providers/aca";
import { cloudRun } from "zeroscale/providers/cloudrun";
import { docker } from "zeroscale/providers/docker";
import { knative } from "zeroscale/providers/knative";
import { lambda } from "zeroscale/providers/lambda";
import { buildShop } from "../shop/app.js";

/** examples/shop: its services' `code` paths are relative to it. */
const shopDir = join(dirname(fileURLToPath(import.meta.url)), "../shop");

/** Where the shop goes (config `backend`): a Knative cluster, the Docker host of `DOCKER_HOST`, Google Cloud Run, Azure Container Apps or AWS Lambda. */
export type Backend = "knative" | "docker" | "cloudrun" | "aca" | "lambda";

/** Every backend the example deploys to (index.ts checks config `backend` against it). */
export const BACKENDS: readonly Backend[] = ["knative", "docker", "cloudrun", "aca", "lambda"];

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
  const registryUser = config.get("registryUser");
  const registryAuth = registryUser ? { registryAuth: { username: registryUser, password: config.requireSecret("registryPassword") } } : {};
  const baseImage = config.get("baseImage"); // FROM of the generated Dockerfiles; default node:20-bookworm-slim
  const imageOptions = { registry: config.require("registry"), ...(baseImage ? { baseImage } : {}) };
  // `pulumi config set public true`: anyone may call the HTTP services (cloudrun, aca, lambda); else they are private.
  const allowUnauthenticated = config.getBoolean("public") ?? false;
  const digests = (images: Readonly<Record<string, { repoDigest: pulumi.Output<string> }>>) => Object.fromEntries(Object.entries(images).map(([fn, image]) => [fn, image.repoDigest]));
  if (backend === "cloudrun") {
    // `pulumi config set gcp:project ...` (the provider's) or `gcpProject`; registry e.g. europe-west1-docker.pkg.dev/<project>/shop.
    const project = config.get("gcpProject");
    const c = deploy(app, cloudRun({ ...(project ? { project } : {}), region: config.get("gcpRegion") ?? "europe-west1", allowUnauthenticated, ...imageOptions }), { secrets, baseDir: shopDir, ...registryAuth });
    return { gatewayUrl: pulumi.output(""), urls: c.urls, images: digests(c.images), urns: pulumi.all(Object.values(c.resources).flatMap((r) => Object.values(r)).map((r) => r.urn)) };
  }
  if (backend === "aca") {
    // A resource group, a Consumption environment and a Key Vault reference are made per app unless named; registry e.g. <name>.azurecr.io/shop.
    const a = deploy(app, containerApps({ location: config.get("azureLocation") ?? "westeurope", allowUnauthenticated, ...imageOptions }), { secrets, baseDir: shopDir, ...registryAuth });
    return { gatewayUrl: pulumi.output(""), urls: a.urls, images: digests(a.images), urns: pulumi.all(Object.values(a.resources).map((r) => r.urn)) };
  }
  if (backend === "lambda") {
    // registry: an ECR repository prefix in the same region (<account>.dkr.ecr.<region>.amazonaws.com/shop); one repository per function is created.
    const l = deploy(app, lambda({ region: config.get("awsRegion") ?? "eu-west-1", createRepositories: true, allowUnauthenticated, ...imageOptions }), { secrets, baseDir: shopDir, ...registryAuth });
    return { gatewayUrl: pulumi.output(""), urls: l.urls, images: digests(l.images), urns: pulumi.all(Object.values(l.resources).map((r) => r.urn)) };
  }
  // Each code function's image is built with @pulumi/docker, pushed to <registry>/<function id with
  // "/" as "-"> (registry.example.com/shop/shop-cart-fn) and deployed by digest. Without registryUser,
  // Docker's own credentials (`docker login`, credential helpers) push it.
  const k = deploy(app, knative({ namespace: config.get("namespace") ?? "shop", ...imageOptions }), { secrets, baseDir: shopDir, ...registryAuth });
  return { gatewayUrl: pulumi.output(""), urls: k.urls, images: digests(k.images), urns: pulumi.all([...Object.values(k.resources), ...Object.values(k.secrets)].map((r) => r.urn)) };
}
