import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth } from "zeroscale";
import { containerApps } from "zeroscale/providers/aca";
import { referenceApp } from "./reference-app.js";
import { conformanceSuite } from "./suite.js";

/** referenceApp() with its one refused part replaced: the nightly schedule in UTC (ACA jobs evaluate cron in UTC; the Europe/Berlin one is listed in `unsupported`). */
export function acaReferenceApp(): App {
  const app = new App({ name: "ref", labels: { team: "platform" } });
  const api = new ServerlessFunction(app, "api", { image: "registry.example.com/ref/api:1.0.0", secrets: { DB_URL: { secret: "ref-db", key: "url" } } });
  api.addTrigger("http", { http: { path: "/api" } });
  api.addTrigger("nightly", { schedule: { cron: "0 2 * * *", timezone: "UTC", data: { task: "report" } } });
  api.addScalingPolicy({ minInstances: 0, maxInstances: 8, metric: { concurrency: 40 } });
  const worker = new ServerlessFunction(app, "worker", { image: "registry.example.com/ref/worker:1.0.0", concurrency: 10 });
  worker.addTrigger("orders", { queue: { broker: "redis", connection: "redis://redis:6379", name: "orders" } });
  worker.addScalingPolicy({ minInstances: 0, maxInstances: 20, metric: { queueLength: 10 }, idleTimeout: "2m" });
  const steady = new ServerlessFunction(app, "steady", { build: { context: "steady" } });
  steady.addTrigger("http", { http: { path: "/steady", methods: ["GET"] } });
  steady.addScalingPolicy({ minInstances: 2, maxInstances: 4, metric: { rps: 50 } });
  return app;
}

const backend = () => containerApps({ registry: "refacr.azurecr.io/ref", resourceGroup: "ref-rg", location: "westeurope" });

conformanceSuite({
  name: "aca",
  backend,
  reference: acaReferenceApp,
  autoscalerKinds: ["ContainerApp"],
  unsupported: [
    {
      title: "a schedule in a time zone other than UTC (the reference app's Europe/Berlin nightly)",
      build: (app) => new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1" }).addTrigger("nightly", { schedule: { cron: "0 3 * * *", timezone: "Europe/Berlin" } }),
      code: "ZS-ACA-SCHEDULE-TZ",
      path: "bad/fn/nightly",
    },
    {
      title: "a 6-field cron",
      build: (app) => new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1" }).addTrigger("s", { schedule: { cron: "*/30 * * * * *", timezone: "UTC" } }),
      code: "ZS-ACA-CRON-SECONDS",
      path: "bad/fn/s",
    },
    {
      title: "a Kafka connection from a secret",
      build: (app) => new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1" }).addTrigger("k", { queue: { broker: "kafka", connection: { secret: "kafka", key: "servers" }, name: "t" } }),
      code: "ZS-ACA-QUEUE-KAFKA",
      path: "bad/fn/k",
    },
    {
      title: "more than 4 vCPU (the largest Consumption pair)",
      build: (app) => new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1", cpu: "6", memory: "8Gi" }),
      code: "ZS-ACA-RESOURCES-MAX",
      path: "bad/fn",
    },
    {
      title: "a build function with no image to run",
      build: (app) => new ServerlessFunction(app, "fn", { build: { context: "fn" } }),
      code: "ZS-ACA-IMAGE",
      path: "bad/fn",
      backend: () => containerApps(),
    },
  ],
});

describe("conformance: aca (its own artifacts)", () => {
  const plan = backend().compile(synth(acaReferenceApp()));
  const files = backend().artifacts(plan);

  it("writes one Container App per function and one job per schedule, tagged with their owner and the app's labels", () => {
    const apps = files.filter((f) => f.path.endsWith(".containerapp.yml"));
    const jobs = files.filter((f) => f.path.endsWith(".job.yml"));
    expect(apps.length).toBe(3);
    expect(jobs.length).toBe(1);
    for (const f of [...apps, ...jobs]) {
      const doc = parse(f.content) as { tags: Record<string, string> };
      expect(doc.tags["app.kubernetes.io_part-of"]).toBe("ref");
      expect(doc.tags["app.kubernetes.io_managed-by"]).toBe("zeroscale");
      expect(doc.tags["team"]).toBe("platform");
      expect(doc.tags["zeroscale-owner"]).toMatch(/^ref\//);
    }
  });

  it("refuses the reference app as is only for its Europe/Berlin schedule", () => {
    expect(() => backend().compile(synth(referenceApp()))).toThrow(/ZS-ACA-SCHEDULE-TZ|Europe\/Berlin/);
  });
});
