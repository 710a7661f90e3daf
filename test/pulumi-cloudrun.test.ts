// deploy(app, cloudRun()) under Pulumi mocks: resource types and counts, the scaling inputs (from the
// engine model), secrets as Pulumi secrets, least-privilege IAM, and build images deployed by digest.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { App, ServerlessFunction } from "zeroscale";
import { deploy } from "zeroscale/pulumi";
import { cloudRun } from "zeroscale/providers/cloudrun";
import { mockRepoDigest } from "zeroscale/testing";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}
const registered: Registered[] = [];
const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply((v) => resolve(v)));

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const extra: Record<string, unknown> =
          args.type === "docker:index/image:Image" ? { repoDigest: mockRepoDigest(args.inputs["imageName"]) }
          : args.type === "gcp:serviceaccount/account:Account" ? { email: `${args.inputs["accountId"]}@p.iam.gserviceaccount.com` }
          : args.type === "gcp:cloudrunv2/service:Service" ? { uri: `https://${args.inputs["name"]}-xyz.a.run.app` }
          : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
      },
      call: (args) => args.inputs,
    },
    "zeroscale-test",
    "dev",
  );
});

const AR = "europe-west1-docker.pkg.dev/shop-prj/shop";
function shop(): App {
  const app = new App({ name: "shop", labels: { team: "platform" } });
  const api = new ServerlessFunction(app, "api", { image: `${AR}/api:1.0.0`, cpu: "1", memory: "512Mi", concurrency: 50, timeout: "60s", secrets: { DB_URL: { secret: "shop-db", key: "url" } } });
  api.addTrigger("http", { http: { path: "/api" } });
  api.addTrigger("nightly", { schedule: { cron: "0 3 * * *", timezone: "Europe/Berlin", data: { task: "report" } } });
  api.addScalingPolicy({ minInstances: 1, maxInstances: 8, metric: { concurrency: 50 }, targetUtilizationPercent: 60 });
  const web = new ServerlessFunction(app, "web", { code: { path: "src", handler: "index.js#handler" }, cpu: "2", memory: "6Gi" });
  web.addTrigger("http", { http: { path: "/" } });
  web.addScalingPolicy({ maxInstances: 3 });
  return app;
}

describe("deploy(app, cloudRun()) under Pulumi mocks", () => {
  it("registers services, identities, IAM, secrets, a scheduler job, the registry and images", async () => {
    const d = deploy(shop(), cloudRun({ project: "shop-prj", region: "europe-west1", registry: AR, createRegistry: true, allowUnauthenticated: true }), {
      secrets: { "shop-db": { url: pulumi.secret("postgres://shop:hunter2@db/shop") } },
      baseDir: new URL("../examples/hello/", import.meta.url).pathname,
    });
    const all = Object.values(d.resources).flatMap((r) => Object.values(r));
    await value(pulumi.all([...all.map((r) => r.urn), ...Object.values(d.images).map((i) => i.urn), d.app.urn]));
    await value(pulumi.all(Object.values(d.urls)));

    const count = (type: string) => registered.filter((r) => r.type === type).length;
    expect({
      services: count("gcp:cloudrunv2/service:Service"),
      accounts: count("gcp:serviceaccount/account:Account"),
      invokers: count("gcp:cloudrunv2/serviceIamMember:ServiceIamMember"),
      jobs: count("gcp:cloudscheduler/job:Job"),
      secrets: count("gcp:secretmanager/secret:Secret"),
      versions: count("gcp:secretmanager/secretVersion:SecretVersion"),
      accessors: count("gcp:secretmanager/secretIamMember:SecretIamMember"),
      repositories: count("gcp:artifactregistry/repository:Repository"),
      images: count("docker:index/image:Image"),
    }).toEqual({ services: 2, accounts: 3, invokers: 3, jobs: 1, secrets: 1, versions: 1, accessors: 1, repositories: 1, images: 1 });

    const api = registered.find((r) => r.type === "gcp:cloudrunv2/service:Service" && r.name.startsWith("shop-api-"))!;
    const t = api.inputs["template"];
    expect(t.scaling).toEqual({ minInstanceCount: 1, maxInstanceCount: 8 });
    expect(t.maxInstanceRequestConcurrency).toBe(50);
    expect(t.timeout).toBe("60s");
    expect(t.containers[0].resources).toEqual({ limits: { cpu: "1", memory: "512Mi" }, cpuIdle: true, startupCpuBoost: false });
    expect(t.containers[0].envs).toEqual([{ name: "DB_URL", valueSource: { secretKeyRef: { secret: "shop-db-url", version: "latest" } } }]);
    expect(t.serviceAccount).toMatch(/^shop-api-[0-9a-f]{8}@p\.iam\.gserviceaccount\.com$/);
    expect(t.executionEnvironment).toBeUndefined();

    // Cloud Run runs linux/amd64 images only: the build targets it whatever the build host is.
    const image = registered.find((r) => r.type === "docker:index/image:Image")!;
    expect(image.inputs["build"].platform).toBe("linux/amd64");

    // The build runs the pushed digest, never a tag.
    const web = registered.find((r) => r.type === "gcp:cloudrunv2/service:Service" && r.name.startsWith("shop-web-"))!;
    expect(web.inputs["template"].containers[0].image).toMatch(new RegExp(`^${AR}/shop-web@sha256:[0-9a-f]{64}$`));
    expect(web.inputs["template"].scaling).toEqual({ minInstanceCount: 0, maxInstanceCount: 3 });

    // The secret value stays secret; the function reads only its own secret.
    expect(Object.keys(d.secrets)).toEqual(["shop-db-url"]);
    expect(await pulumi.isSecret(d.secrets["shop-db-url"]!.secretData)).toBe(true);
    const accessor = registered.find((r) => r.type === "gcp:secretmanager/secretIamMember:SecretIamMember")!;
    expect([accessor.inputs["secretId"], accessor.inputs["role"], accessor.inputs["member"]]).toEqual(["shop-db-url", "roles/secretmanager.secretAccessor", expect.stringMatching(/^serviceAccount:shop-api-[0-9a-f]{8}@/)]);

    // run.invoker: allUsers on both HTTP services (opted in), the scheduler's invoker on the api only.
    const members = registered.filter((r) => r.type === "gcp:cloudrunv2/serviceIamMember:ServiceIamMember").map((r) => [r.inputs["role"], r.inputs["member"].replace(/-[0-9a-f]{8}/, "")]).sort();
    expect(members).toEqual([["roles/run.invoker", "allUsers"], ["roles/run.invoker", "allUsers"], ["roles/run.invoker", "serviceAccount:shop-api-inv@p.iam.gserviceaccount.com"]]);

    const job = registered.find((r) => r.type === "gcp:cloudscheduler/job:Job")!;
    expect([job.inputs["schedule"], job.inputs["timeZone"], job.inputs["region"]]).toEqual(["0 3 * * *", "Europe/Berlin", "europe-west1"]);
    expect(job.inputs["httpTarget"].oidcToken.serviceAccountEmail).toMatch(/^shop-api-inv-[0-9a-f]{8}@/);
    expect(Buffer.from(job.inputs["httpTarget"].body, "base64").toString()).toBe('{"task":"report"}');
    // The delivery as Cloud Scheduler runs it (the default: 3 retries, waits 2s, 4s, 8s) and the CloudEvent headers it can fix.
    expect(job.inputs["retryConfig"]).toEqual({ retryCount: 3, minBackoffDuration: "2s", maxBackoffDuration: "8s", maxDoublings: 5 });
    expect(job.inputs["httpTarget"].headers).toEqual({ "Content-Type": "application/json", "ce-source": "/zeroscale/shop/api/nightly", "ce-specversion": "1.0", "ce-type": "dev.zeroscale.schedule" });

    expect(await value(d.urls["shop/api/http"]!)).toMatch(/^https:\/\/shop-api-[0-9a-f]{8}-xyz\.a\.run\.app\/api$/);
  });

  it("runs a fraction of a CPU in the first-generation execution environment", async () => {
    registered.length = 0;
    const app = new App({ name: "tiny" });
    new ServerlessFunction(app, "fn", { image: `${AR}/fn:1.0.0`, cpu: "250m", concurrency: 1 });
    const d = deploy(app, cloudRun({ project: "shop-prj" }));
    await value(pulumi.all(Object.values(d.resources).flatMap((r) => Object.values(r)).map((r) => r.urn)));
    const svc = registered.find((r) => r.type === "gcp:cloudrunv2/service:Service")!;
    expect(svc.inputs["template"].executionEnvironment).toBe("EXECUTION_ENVIRONMENT_GEN1");
    expect(svc.inputs["template"].containers[0].resources.limits.cpu).toBe("0.25");
  });

  it("keeps secret values secret in state; no build, registry or public access unless asked", async () => {
    registered.length = 0;
    const d = deploy(shop(), cloudRun({ project: "shop-prj", images: { "shop/web": `${AR}/web@sha256:${"1".repeat(64)}` } }), { secrets: { "shop-db": { url: "plain-in-program" } } });
    await value(pulumi.all(Object.values(d.resources).flatMap((r) => Object.values(r)).map((r) => r.urn)));
    // A plain value passed in is made a Pulumi secret all the same.
    expect(await pulumi.isSecret(d.secrets["shop-db-url"]!.secretData)).toBe(true);
    expect(registered.filter((r) => r.type === "docker:index/image:Image")).toEqual([]);
    expect(registered.filter((r) => r.type === "gcp:artifactregistry/repository:Repository")).toEqual([]);
    expect(registered.filter((r) => r.type === "gcp:cloudrunv2/serviceIamMember:ServiceIamMember" && r.inputs["member"] === "allUsers")).toEqual([]);
  });
});
