// deploy(app, containerApps()) under Pulumi mocks: resource types and counts, the scaling inputs, secrets
// as secrets, IAM (one identity per app, AcrPull / Key Vault Secrets User scoped), images by digest.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth } from "zeroscale";
import { containerApps } from "zeroscale/providers/aca";
import { deploy } from "zeroscale/pulumi";
import { mockRepoDigest } from "zeroscale/testing";
import { buildOrdersApp } from "../examples/orders/app.js";

const ORDERS_DIR = new URL("../examples/orders/", import.meta.url).pathname;
const SUB = "00000000-0000-0000-0000-000000000001";
interface Registered { type: string; name: string; inputs: Record<string, any> }
const registered: Registered[] = [];
const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply((v) => resolve(v)));
const settle = (rs: pulumi.Resource[]) => value(pulumi.all(rs.map((r) => r.urn)));
const isSecret = (v: unknown) => typeof v === "object" && v !== null && (v as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270";

/** The reference app as aca() realises it: its nightly in UTC (ACA jobs evaluate cron in UTC). */
function reference(): App {
  const app = new App({ name: "ref", labels: { team: "platform" } });
  const api = new ServerlessFunction(app, "api", { image: "refacr.azurecr.io/ref/api:1.0.0", secrets: { DB_URL: { secret: "ref-db", key: "url" }, API_KEY: { secret: "ref-api", key: "key" } } });
  api.addTrigger("http", { http: { path: "/api" } });
  api.addTrigger("nightly", { schedule: { cron: "0 2 * * *", timezone: "UTC", data: { task: "report" } } });
  api.addScalingPolicy({ minInstances: 0, maxInstances: 8, metric: { rps: 40 }, targetUtilizationPercent: 50 });
  const worker = new ServerlessFunction(app, "worker", { image: "registry.example.com/ref/worker:1.0.0", concurrency: 10 });
  worker.addTrigger("orders", { queue: { broker: "redis", connection: { secret: "ref-redis", key: "address" }, name: "orders" } });
  worker.addScalingPolicy({ minInstances: 0, maxInstances: 20, metric: { queueLength: 10 }, idleTimeout: "2m" });
  return app;
}

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const extra: Record<string, unknown> =
          args.type === "docker:index/image:Image" ? { repoDigest: mockRepoDigest(args.inputs["imageName"]) }
          : args.type === "azure-native:managedidentity:UserAssignedIdentity" ? { principalId: `${args.name}-principal` }
          : args.type === "azure-native:app:ContainerApp" ? { latestRevisionFqdn: `${args.name}.happy.westeurope.azurecontainerapps.io` }
          : {};
        return { id: `/subscriptions/${SUB}/resourceGroups/rg/providers/${args.type}/${args.name}`, state: { ...args.inputs, ...extra } };
      },
      call: (args) =>
        args.token === "azure-native:authorization:getClientConfig" ? { subscriptionId: SUB, tenantId: "t", clientId: "c", objectId: "o" }
        : args.token === "azure-native:containerregistry:getRegistry" ? { id: `/subscriptions/${SUB}/resourceGroups/${args.inputs["resourceGroupName"]}/providers/Microsoft.ContainerRegistry/registries/${args.inputs["registryName"]}` }
        : args.inputs,
    },
    "zeroscale-test",
    "dev",
  );
});

describe("deploy(app, containerApps()) under Pulumi mocks", () => {
  it("registers the resource group, environment, one identity + Container App per function and one job per schedule", async () => {
    const before = registered.length;
    const d = deploy(reference(), containerApps({ location: "westeurope", keyVault: "https://ref-kv.vault.azure.net" }), {
      secrets: { "ref-api": { key: pulumi.secret("s3cr3t") } },
      keyVaultId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/ref-kv",
    });
    await settle([...Object.values(d.resources), d.app]);
    const mine = registered.slice(before);
    const count = (type: string) => mine.filter((r) => r.type === type).length;
    expect(count("azure-native:resources:ResourceGroup")).toBe(1);
    expect(count("azure-native:app:ManagedEnvironment")).toBe(1);
    expect(count("azure-native:managedidentity:UserAssignedIdentity")).toBe(2);
    expect(count("azure-native:app:ContainerApp")).toBe(2);
    expect(count("azure-native:app:Job")).toBe(1);
    // AcrPull for the ACR-hosted api only; Key Vault Secrets User for the two apps that read a vault reference.
    const roles = mine.filter((r) => r.type === "azure-native:authorization:RoleAssignment").map((r) => [r.name.replace(/-[0-9a-f]{8}-/, "-"), r.inputs["roleDefinitionId"], r.inputs["scope"]]).sort();
    expect(roles).toEqual([
      ["ref-api-acrpull", `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`, expect.stringMatching(/\/registries\/refacr$/)],
      ["ref-api-kvsecrets", `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`, expect.stringContaining("/vaults/ref-kv")],
      ["ref-worker-kvsecrets", `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`, expect.stringContaining("/vaults/ref-kv")],
    ]);
    for (const r of mine.filter((x) => x.type === "azure-native:authorization:RoleAssignment")) expect(r.inputs["principalType"]).toBe("ServicePrincipal");

    const apiName = mine.find((r) => r.type === "azure-native:app:ContainerApp" && r.name.startsWith("ref-api-"))?.name;
    const apps = Object.fromEntries(mine.filter((r) => r.type === "azure-native:app:ContainerApp").map((r) => [r.name.split("-")[1], r.inputs]));
    const api = apps["api"] as Record<string, any>;
    // A secret value makes the whole configuration input a Pulumi secret (the value never reaches state in plain text).
    expect(isSecret(api["configuration"])).toBe(true);
    api["configuration"] = api["configuration"].value;
    const worker = apps["worker"] as Record<string, any>;
    // Scaling inputs, from the ACA model: rps 40 x 50% -> concurrentRequests 20; cooldown = idleTimeout; polling 30.
    expect(api["template"].scale).toEqual({ minReplicas: 0, maxReplicas: 8, cooldownPeriod: 90, pollingInterval: 30, rules: [{ name: "http", http: { metadata: { concurrentRequests: "20" } } }] });
    expect(worker["template"].scale).toMatchObject({ minReplicas: 0, maxReplicas: 20, cooldownPeriod: 120, pollingInterval: 30 });
    expect(worker["template"].scale.rules).toEqual([{ name: "queue-0", custom: { type: "redis-streams", metadata: { stream: "orders", consumerGroup: expect.stringMatching(/^ref-worker-orders-/), pendingEntriesCount: "10" }, auth: [{ secretRef: "ref-redis-address", triggerParameter: "address" }] } }]);
    // Identity: user-assigned, the app's own; ACR pulled with it; no ingress on the queue consumer.
    expect(api["identity"].type).toBe("UserAssigned");
    expect(api["identity"].userAssignedIdentities).toEqual([expect.stringMatching(/UserAssignedIdentity\/ref-api-[0-9a-f]{8}-id$/)]);
    expect(api["configuration"].registries).toEqual([{ server: "refacr.azurecr.io", identity: api["identity"].userAssignedIdentities[0] }]);
    // No allowUnauthenticated: the HTTP trigger's ingress is internal to the environment.
    expect(api["configuration"].ingress).toMatchObject({ external: false, targetPort: 8080, allowInsecure: false });
    expect(worker["configuration"].ingress).toBeUndefined();
    expect(worker["configuration"].registries).toBeUndefined();
    // Secrets: the given one as a Pulumi secret, the other a Key Vault reference by name; env by secretRef.
    const secrets = api["configuration"].secrets as Record<string, any>[];
    expect(secrets.map((s) => s["name"])).toEqual(["ref-api-key", "ref-db-url"]);
    expect(secrets[0]).toEqual({ name: "ref-api-key", value: "s3cr3t" });
    expect(secrets[1]).toEqual({ name: "ref-db-url", keyVaultUrl: "https://ref-kv.vault.azure.net/secrets/ref-db-url", identity: api["identity"].userAssignedIdentities[0] });
    expect(api["template"].containers[0].env).toContainEqual({ name: "DB_URL", secretRef: "ref-db-url" });
    expect(JSON.stringify(mine.filter((r) => r.name !== apiName).map((r) => r.inputs))).not.toContain("s3cr3t");
    expect(JSON.stringify(mine.map((r) => r.inputs))).not.toContain("{zeroscale:");
    // The job: schedule trigger, cron as declared, calling the app by name in the environment.
    const job = mine.find((r) => r.type === "azure-native:app:Job")?.inputs as Record<string, any>;
    expect(job["configuration"]).toMatchObject({ triggerType: "Schedule", scheduleTriggerConfig: { cronExpression: "0 2 * * *", parallelism: 1, replicaCompletionCount: 1 } });
    // HTTPS (allowInsecure: false would answer plain HTTP with a redirect), and a job that fails unless the app answers 2xx.
    expect(job["template"].containers[0].env).toContainEqual({ name: "TARGET_URL", value: expect.stringMatching(/^https:\/\/ref-api-[0-9a-f]{8}\/api$/) });
    const script = job["template"].containers[0].command[2] as string;
    expect(job["template"].containers[0].command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    // The shared schedule script (providers/kubernetes/schedule-script.ts): HTTPS only, no redirects, success = 2xx, else retried then failed.
    expect(script).toContain("'--proto' '=https'");
    expect(script).toContain("-w '%{http_code} %{errormsg}'");
    expect(script).not.toMatch(/(^|\s)(-L|--location)(\s|$)/);
    expect(script).toContain('case "$code" in 2??) return 0 ;;');
    expect(script).toMatch(/exit 1$/);
    expect(job["environmentId"]).toMatch(/ManagedEnvironment\/ref-env$/);
    expect(await value(d.urls["ref/api/http"] as pulumi.Output<string>)).toMatch(/^https:\/\/ref-api-[0-9a-f]{8}\.happy\.westeurope\.azurecontainerapps\.io\/api$/);
  });

  it("allowUnauthenticated: true makes an HTTP trigger's ingress external (public), with no ZS-ACA-INGRESS-INTERNAL", async () => {
    const before = registered.length;
    const backend = containerApps({ allowUnauthenticated: true, environment: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/e", resourceGroup: "rg" });
    const d = deploy(reference(), backend);
    await settle([...Object.values(d.resources), d.app]);
    const api = registered.slice(before).find((r) => r.type === "azure-native:app:ContainerApp" && r.name.startsWith("ref-api-"))?.inputs as Record<string, any>;
    expect(api["configuration"].ingress).toMatchObject({ external: true, allowInsecure: false });
    expect(d.plan.warnings.map((w) => w.code)).not.toContain("ZS-ACA-INGRESS-INTERNAL");
    expect(containerApps().compile(synth(reference())).warnings.filter((w) => w.code === "ZS-ACA-INGRESS-INTERNAL").map((w) => w.path)).toEqual(["ref/api"]);
  });

  it("uses a given resource group and environment, creating neither", async () => {
    const before = registered.length;
    const env = "/subscriptions/x/resourceGroups/shared/providers/Microsoft.App/managedEnvironments/shared";
    const d = deploy(buildOrdersApp({ redisUrl: "redis://redis:6379", name: "given" }), containerApps({ resourceGroup: "shared", environment: env, images: { "given/api": `r.example.com/a@sha256:${"1".repeat(64)}`, "given/worker": `r.example.com/w@sha256:${"2".repeat(64)}` } }));
    await settle([...Object.values(d.resources), d.app]);
    const mine = registered.slice(before);
    expect(mine.filter((r) => r.type === "azure-native:resources:ResourceGroup" || r.type === "azure-native:app:ManagedEnvironment")).toEqual([]);
    for (const r of mine.filter((x) => x.type === "azure-native:app:ContainerApp")) {
      expect(r.inputs["environmentId"]).toBe(env);
      expect(r.inputs["resourceGroupName"]).toBe("shared");
    }
    expect(mine.filter((r) => r.type === "azure-native:authorization:RoleAssignment")).toEqual([]); // no ACR, no vault reference: no role
  });

  it("builds code functions under an ACR registry, pushes them and runs the pushed digest", async () => {
    const before = registered.length;
    const d = deploy(buildOrdersApp({ redisUrl: "redis://redis:6379", name: "built" }), containerApps({ registry: "builtacr.azurecr.io/zs" }), { baseDir: ORDERS_DIR, registryIds: { "builtacr.azurecr.io": "/subscriptions/x/registries/builtacr" } });
    expect(d.plan.builds.map((b) => b.fn)).toEqual(["built/api", "built/worker"]);
    await settle([...Object.values(d.resources), ...Object.values(d.images), d.app]);
    const mine = registered.slice(before);
    const images = mine.filter((r) => r.type === "docker:index/image:Image");
    expect(images.length).toBe(2);
    const apps = mine.filter((r) => r.type === "azure-native:app:ContainerApp");
    expect(apps.map((r) => r.inputs["template"].containers[0].image).sort()).toEqual(images.map((r) => mockRepoDigest(r.inputs["imageName"])).sort());
    expect(apps.every((r) => String(r.inputs["template"].containers[0].image).includes("@sha256:"))).toBe(true);
    expect(JSON.stringify(mine.map((r) => r.inputs))).not.toContain("zeroscale-unbuilt");
    const pulls = mine.filter((r) => r.type === "azure-native:authorization:RoleAssignment");
    expect(pulls.map((r) => r.inputs["scope"])).toEqual(["/subscriptions/x/registries/builtacr", "/subscriptions/x/registries/builtacr"]);
  });
});

describe("deploy(app, containerApps({ registry })) outside ACR", () => {
  it("pulls a build pushed to another registry with registryAuth, the password a Pulumi secret", async () => {
    const before = registered.length;
    const d = deploy(buildOrdersApp({ redisUrl: "redis://redis:6379", name: "other" }), containerApps({ registry: "registry.example.com/zs" }), { baseDir: ORDERS_DIR, registryAuth: { username: "zs", password: "hunter2" } });
    await settle([...Object.values(d.resources), ...Object.values(d.images), d.app]);
    const apps = registered.slice(before).filter((r) => r.type === "azure-native:app:ContainerApp");
    expect(apps.length).toBe(2);
    for (const r of apps) {
      expect(isSecret(r.inputs["configuration"])).toBe(true);
      const cfg = r.inputs["configuration"].value;
      expect(cfg.registries).toEqual([{ server: "registry.example.com", username: "zs", passwordSecretRef: "zeroscale-registry-password" }]);
      expect(cfg.secrets).toContainEqual({ name: "zeroscale-registry-password", value: "hunter2" });
    }
    expect(registered.slice(before).filter((r) => r.type === "azure-native:authorization:RoleAssignment")).toEqual([]);
  });
});
