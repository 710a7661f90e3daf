import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { deploy } from "zeroscale/pulumi";
import { keda } from "zeroscale/providers/keda";
import { knative } from "zeroscale/providers/knative";
import { buildOrdersApp } from "../examples/orders/app.js";
import { referenceApp } from "./conformance/reference-app.js";

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
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "zeroscale-test",
    "dev",
  );
});

describe("deploy(app, knative()) under Pulumi mocks", () => {
  it("registers one component per function, the engine resources under it, and secrets as Pulumi secrets", async () => {
    const d = deploy(referenceApp(), knative({ namespace: "ref", imageRegistry: "registry.example.com/ref" }), {
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

  it("makes dependencies explicit: sources and routes depend on their Service", async () => {
    const d = deploy(buildOrdersApp({ redisUrl: "redis://redis:6379" }), knative({ namespace: "deps", imageRegistry: "r.example.com/o" }));
    await settle(Object.values(d.resources));
    for (const r of d.plan.resources) {
      if (r.manifest.kind === "Service") expect(r.dependsOn).toEqual([]);
      else expect(r.dependsOn).toEqual([expect.stringMatching(/^serving\.knative\.dev\/v1\/Service\//)]);
    }
  });
});

describe("deploy(app, keda()) under Pulumi mocks", () => {
  it("uses typed classes for core kinds and CustomResource for KEDA's CRDs", async () => {
    const d = deploy(buildOrdersApp({ redisUrl: "redis://redis:6379" }), keda({ namespace: "kedans", imageRegistry: "r.example.com/o" }));
    await settle([...Object.values(d.resources), d.app]);
    const types = registered.filter((r) => r.inputs["metadata"]?.namespace === "kedans").map((r) => r.type).sort();
    expect(types).toEqual([
      "kubernetes:apps/v1:Deployment",
      "kubernetes:apps/v1:Deployment",
      "kubernetes:batch/v1:CronJob",
      "kubernetes:core/v1:Service",
      "kubernetes:core/v1:Service",
      "kubernetes:http.keda.sh/v1alpha1:HTTPScaledObject",
      "kubernetes:keda.sh/v1alpha1:ScaledObject",
    ]);
    const so = registered.find((r) => r.type === "kubernetes:keda.sh/v1alpha1:ScaledObject" && r.inputs["metadata"]?.namespace === "kedans");
    expect(so?.inputs["spec"]).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 20, cooldownPeriod: 120 });
    for (const r of Object.values(d.resources)) expect(await value(r.urn)).toMatch(/::zeroscale:index:ServerlessFunction\$kubernetes:/);
    const hso = d.plan.resources.find((r) => r.manifest.kind === "HTTPScaledObject");
    expect(hso?.dependsOn).toEqual([expect.stringMatching(/^apps\/v1\/Deployment\/orders-api-/)]);
  });
});
