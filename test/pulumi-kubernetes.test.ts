import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { deploy } from "zeroscale/pulumi";
import { keda } from "zeroscale/providers/keda";
import { knative } from "zeroscale/providers/knative";
import { mockRepoDigest } from "zeroscale/testing";
import { buildOrdersApp } from "../examples/orders/app.js";
import { userStageRoot } from "../providers/images/stage.js";
import { referenceApp } from "./conformance/reference-app.js";

const ORDERS_DIR = new URL("../examples/orders/", import.meta.url).pathname;
const PINNED = `registry.example.com/ref/steady@sha256:${"5".repeat(64)}`;

interface Registered {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, any>;
}
const registered: Registered[] = [];

/** Resolve an Output in a test (values are known under mocks). */
function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}
async function settle(resources: pulumi.Resource[]) {
  await value(pulumi.all(resources.map((r) => r.urn)));
}

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, urn: `${args.type}::${args.name}`, inputs: args.inputs });
        const state = args.type === "docker:index/image:Image" ? { ...args.inputs, repoDigest: mockRepoDigest(args.inputs["imageName"]) } : args.inputs;
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "zeroscale-test",
    "dev",
  );
});

describe("deploy(app, knative()) under Pulumi mocks", () => {
  it("registers one component per function, the engine resources under it, and secrets as Pulumi secrets", async () => {
    const d = deploy(referenceApp(), knative({ namespace: "ref", images: { "ref/steady": PINNED } }), {
      secrets: { "ref-db": { url: "postgres://ref:hunter2@db/ref" } },
    });
    await settle([...Object.values(d.resources), ...Object.values(d.functions), d.app, ...Object.values(d.secrets)]);

    const urns = await value(pulumi.all(Object.fromEntries(Object.entries(d.resources).map(([k, r]) => [k, r.urn]))));
    const apiService = Object.keys(urns).find((k) => k.startsWith("serving.knative.dev/v1/Service/ref-api-")) as string;
    expect(urns[apiService]).toMatch(/::zeroscale:index:ServerlessFunction\$kubernetes:serving\.knative\.dev\/v1:Service::ref-api-[0-9a-f]{8}-service$/);
    expect(await value(d.functions["ref/api"]!.urn)).toMatch(/zeroscale:index:App\$zeroscale:index:ServerlessFunction::ref-api-[0-9a-f]{8}$/);

    const types = registered.filter((r) => r.inputs["metadata"]?.namespace === "ref").map((r) => r.type).sort();
    expect(types).toEqual([
      "kubernetes:core/v1:Secret",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
      // PingSource and RedisStreamSource have no delivery field: each sends to a Channel whose Subscription retries.
      "kubernetes:messaging.knative.dev/v1:Channel",
      "kubernetes:messaging.knative.dev/v1:Channel",
      "kubernetes:messaging.knative.dev/v1:Subscription",
      "kubernetes:messaging.knative.dev/v1:Subscription",
      "kubernetes:serving.knative.dev/v1:Service",
      "kubernetes:serving.knative.dev/v1:Service",
      "kubernetes:serving.knative.dev/v1:Service",
      "kubernetes:sources.knative.dev/v1:PingSource",
      "kubernetes:sources.knative.dev/v1alpha1:RedisStreamSource",
    ]);

    const ksvc = registered.find((r) => r.type === "kubernetes:serving.knative.dev/v1:Service" && r.name.startsWith("ref-api-"));
    expect(ksvc?.inputs["spec"].template.metadata.annotations["autoscaling.knative.dev/max-scale"]).toBe("8");
    expect(ksvc?.inputs["spec"].template.spec.containers[0].env).toEqual([{ name: "DB_URL", valueFrom: { secretKeyRef: { name: "ref-db", key: "url" } } }]);

    const secret = d.secrets["ref-db"]!;
    expect(await (secret.stringData as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
    expect(registered.find((r) => r.type === "kubernetes:core/v1:Secret")?.inputs["metadata"]).toMatchObject({ name: "ref-db", namespace: "ref" });

    expect(await value(d.urls["ref/api/http"]!)).toMatch(/^http:\/\/ref-api-[0-9a-f]{8}\.ref\.example\.com\/api$/);
  });

  it("makes dependencies explicit: routes depend on their Service, Subscriptions on their Channel and Service, sources on what they send to", async () => {
    const d = deploy(buildOrdersApp({ redisUrl: "redis://redis:6379" }), knative({ namespace: "deps", images: { "orders/api": PINNED, "orders/worker": PINNED } }));
    await settle(Object.values(d.resources));
    const SERVICE = /^serving\.knative\.dev\/v1\/Service\//;
    const keys = new Set(d.plan.resources.map((r) => `${r.manifest.apiVersion}/${r.manifest.kind}/${r.manifest.metadata.name}`));
    for (const r of d.plan.resources) {
      for (const k of r.dependsOn) expect(keys.has(k), k).toBe(true);
      switch (r.manifest.kind) {
        case "Service":
        case "Channel":
          expect(r.dependsOn).toEqual([]);
          break;
        case "HTTPRoute":
          expect(r.dependsOn).toEqual([expect.stringMatching(SERVICE)]);
          break;
        case "Subscription":
          expect(r.dependsOn).toEqual([expect.stringMatching(/^messaging\.knative\.dev\/v1\/Channel\//), expect.stringMatching(SERVICE)]);
          break;
        default: // a source: after its Channel and Subscription (a Channel drops events while it has no subscriber)
          expect(r.dependsOn).toEqual([expect.stringMatching(/^messaging\.knative\.dev\/v1\/Channel\//), expect.stringMatching(/^messaging\.knative\.dev\/v1\/Subscription\//)]);
      }
    }
  });
});

describe("deploy(app, keda()) under Pulumi mocks", () => {
  it("uses typed classes for core kinds and CustomResource for KEDA's CRDs", async () => {
    const d = deploy(buildOrdersApp({ redisUrl: "redis://redis:6379" }), keda({ namespace: "kedans", images: { "orders/api": PINNED, "orders/worker": PINNED } }));
    await settle([...Object.values(d.resources), d.app]);
    const types = registered.filter((r) => r.inputs["metadata"]?.namespace === "kedans").map((r) => r.type).sort();
    expect(types).toEqual([
      "kubernetes:apps/v1:Deployment",
      "kubernetes:apps/v1:Deployment",
      "kubernetes:apps/v1:Deployment", // the worker's queue dispatcher (push delivery)
      "kubernetes:batch/v1:CronJob",
      "kubernetes:core/v1:Service",
      "kubernetes:core/v1:Service",
      "kubernetes:core/v1:Service", // the dispatcher's metrics / backlog
      "kubernetes:http.keda.sh/v1alpha1:HTTPScaledObject",
      "kubernetes:keda.sh/v1alpha1:ScaledObject",
      "kubernetes:keda.sh/v1alpha1:ScaledObject", // the dispatcher's, 0..1
    ]);
    const so = registered.find((r) => r.type === "kubernetes:keda.sh/v1alpha1:ScaledObject" && r.inputs["metadata"]?.namespace === "kedans" && !String(r.inputs["metadata"]?.name).endsWith("-dispatch"));
    expect(so?.inputs["spec"]).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 20, cooldownPeriod: 120 });
    for (const r of Object.values(d.resources)) expect(await value(r.urn)).toMatch(/::zeroscale:index:ServerlessFunction\$kubernetes:/);
    const hso = d.plan.resources.find((r) => r.manifest.kind === "HTTPScaledObject");
    expect(hso?.dependsOn).toEqual([expect.stringMatching(/^apps\/v1\/Deployment\/orders-api-/)]);
  });
});

/** The inputs' secret marker under mocks: a secret (or an object holding one) arrives as { <sig key>: <secret sig>, value }. */
const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };
const isMockSecret = (v: unknown) => typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG.key] === SECRET_SIG.value;

describe("deploy(app, knative({ registry })) builds, pushes and deploys the digest", () => {
  it("registers one docker Image per code function (staged context, registry server, secret password) and the Services run its repoDigest", async () => {
    const before = registered.length;
    const d = deploy(buildOrdersApp({ redisUrl: "redis://redis:6379" }), knative({ namespace: "built", registry: "127.0.0.1:5000/zs" }), {
      baseDir: ORDERS_DIR,
      registryAuth: { username: "zs", password: "hunter2" },
    });
    expect(d.plan.builds.map((b) => b.fn)).toEqual(["orders/api", "orders/worker"]);
    expect(Object.keys(d.images)).toEqual(["orders/api", "orders/worker"]);
    await settle([...Object.values(d.resources), ...Object.values(d.images), d.app]);
    const mine = registered.slice(before);
    // Registration order is the runtime's; compare by name.
    const images = mine.filter((r) => r.type === "docker:index/image:Image").sort((a, b) => a.name.localeCompare(b.name));
    expect(images.map((r) => r.name)).toEqual([expect.stringMatching(/^orders-api-[0-9a-f]{8}-image$/), expect.stringMatching(/^orders-worker-[0-9a-f]{8}-image$/)]);
    const stageRoot = userStageRoot("orders"); // <tmpdir>/zeroscale-builds-<uid>/orders
    for (const [i, fn] of ["api", "worker"].entries()) {
      const inputs = images[i]?.inputs as Record<string, any>;
      expect(inputs["imageName"]).toMatch(new RegExp(`^127\\.0\\.0\\.1:5000/zs/orders-${fn}:zs-[0-9a-f]{32}$`));
      expect(inputs["skipPush"]).toBe(false);
      expect(inputs["build"]).toEqual({ context: join(stageRoot, `orders-${fn}`, "context"), dockerfile: join(stageRoot, `orders-${fn}`, "context", "Dockerfile"), args: {} });
      // The password is a secret (given plain here: deploy() makes it one), so the registry block reaches the engine as one.
      expect(isMockSecret(inputs["registry"]), JSON.stringify(inputs["registry"])).toBe(true);
      expect(inputs["registry"].value).toEqual({ server: "127.0.0.1:5000", username: "zs", password: "hunter2" });
      // The staged context: the runner, the code and the generated, non-root Dockerfile.
      const dockerfile = readFileSync(join(stageRoot, `orders-${fn}`, "context", "Dockerfile"), "utf8");
      expect(dockerfile).toContain(`ZEROSCALE_HANDLER="/app/code/${fn}.js"`);
      expect(dockerfile).toContain("USER 65532:65532");
      expect(existsSync(join(stageRoot, `orders-${fn}`, "context", "zeroscale/runner/serve.js"))).toBe(true);
    }
    const ksvcs = mine.filter((r) => r.type === "kubernetes:serving.knative.dev/v1:Service");
    expect(ksvcs.map((r) => r.inputs["spec"].template.spec.containers[0].image).sort()).toEqual(images.map((r) => mockRepoDigest(r.inputs["imageName"])).sort());
    expect(JSON.stringify(mine.map((r) => r.inputs))).not.toContain("zeroscale-unbuilt");
    expect(await value(d.images["orders/api"]!.repoDigest)).toMatch(/^127\.0\.0\.1:5000\/zs\/orders-api@sha256:[0-9a-f]{64}$/);
  });

  it("without registryAuth the Image names only the server (Docker's own credentials push)", async () => {
    const before = registered.length;
    const d = deploy(buildOrdersApp({ redisUrl: "redis://redis:6379", name: "noauth" }), knative({ namespace: "noauth", registry: "registry.example.com/team/" }), { baseDir: ORDERS_DIR });
    await settle([...Object.values(d.images)]);
    const images = registered.slice(before).filter((r) => r.type === "docker:index/image:Image");
    expect(images.map((r) => r.inputs["registry"])).toEqual([{ server: "registry.example.com" }, { server: "registry.example.com" }]);
    expect(images.map((r) => r.inputs["imageName"]).sort()[0]).toMatch(/^registry\.example\.com\/team\/noauth-api:zs-[0-9a-f]{32}$/);
  });
});

describe("deploy(app, keda({ registry })) builds, pushes and deploys the digest", () => {
  it("registers one docker Image per code function and the Deployments run its repoDigest", async () => {
    const before = registered.length;
    const d = deploy(buildOrdersApp({ redisUrl: "redis://redis:6379", name: "kbuilt" }), keda({ namespace: "kbuilt", registry: "127.0.0.1:5000/zs" }), {
      baseDir: ORDERS_DIR,
      registryAuth: { username: "zs", password: pulumi.secret("hunter2") },
    });
    await settle([...Object.values(d.resources), ...Object.values(d.images)]);
    const mine = registered.slice(before);
    const images = mine.filter((r) => r.type === "docker:index/image:Image");
    expect(images).toHaveLength(2);
    for (const image of images) expect(isMockSecret(image.inputs["registry"]) && image.inputs["registry"].value).toEqual({ server: "127.0.0.1:5000", username: "zs", password: "hunter2" });
    const deployments = mine.filter((r) => r.type === "kubernetes:apps/v1:Deployment" && !String(r.inputs["metadata"]?.name).endsWith("-dispatch")); // the dispatcher runs the gateway image
    expect(deployments.map((r) => r.inputs["spec"].template.spec.containers[0].image).sort()).toEqual(images.map((r) => mockRepoDigest(r.inputs["imageName"])).sort());
    for (const id of ["kbuilt/api", "kbuilt/worker"]) expect(d.images[id]).toBeDefined();
  });
});
