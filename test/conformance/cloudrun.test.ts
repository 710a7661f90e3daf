import { App, ServerlessFunction } from "zeroscale";
import { cloudRun } from "zeroscale/providers/cloudrun";
import { conformanceSuite } from "./suite.js";

/**
 * referenceApp() as Cloud Run can take it: the worker's Redis queue trigger (refused: Cloud Run is only
 * pushed events, by Pub/Sub or Eventarc, which read no Redis stream; see `unsupported`) becomes the
 * push endpoint a Pub/Sub push subscription would call, scaled on concurrency.
 */
function cloudRunReference(): App {
  const app = new App({ name: "ref", labels: { team: "platform" } });
  const api = new ServerlessFunction(app, "api", { image: "registry.example.com/ref/api:1.0.0", secrets: { DB_URL: { secret: "ref-db", key: "url" } } });
  api.addTrigger("http", { http: { path: "/api" } });
  api.addTrigger("nightly", { schedule: { cron: "0 3 * * *", timezone: "Europe/Berlin", data: { task: "report" } } });
  api.addScalingPolicy({ minInstances: 0, maxInstances: 8, metric: { concurrency: 40 } });

  const worker = new ServerlessFunction(app, "worker", { image: "registry.example.com/ref/worker:1.0.0", concurrency: 10 });
  worker.addTrigger("orders", { http: { path: "/orders" } });
  worker.addScalingPolicy({ minInstances: 0, maxInstances: 20, metric: { concurrency: 10 }, idleTimeout: "2m" });

  const steady = new ServerlessFunction(app, "steady", { build: { context: "steady" } });
  steady.addTrigger("http", { http: { path: "/steady", methods: ["GET"] } });
  steady.addScalingPolicy({ minInstances: 2, maxInstances: 4, metric: { rps: 50 } });
  return app;
}

const fn = (app: App) => new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/p/r/fn:1", cpu: "1" });

conformanceSuite({
  // Cloud Run labels take [a-z0-9_-] only: the app and manager are named without Kubernetes' prefixes.
  labelKeys: { partOf: "zeroscale-app", managedBy: "managed-by" },
  name: "cloudrun",
  backend: () => cloudRun({ project: "ref-project", region: "europe-west1", registry: "europe-west1-docker.pkg.dev/ref-project/ref" }),
  autoscalerKinds: ["Service"],
  reference: cloudRunReference,
  unsupported: [
    ...(["redis", "rabbitmq", "kafka", "nats"] as const).map((broker) => ({
      title: `a ${broker} queue (Pub/Sub and Eventarc reach no ${broker})`,
      build: (app: App) => fn(app).addTrigger("q", { queue: { broker, connection: broker === "kafka" ? "kafka:9092" : `${broker === "rabbitmq" ? "amqp" : broker}://${broker}:1`, name: "orders" } }),
      code: "ZS-CLOUDRUN-QUEUE",
      path: "bad/fn/q",
    })),
    {
      title: "schedule baselines (minInstanceCount is static)",
      build: (app) => fn(app).addScalingPolicy({ schedule: [{ start: "0 8 * * *", end: "0 18 * * *", minInstances: 2 }] }),
      code: "ZS-CLOUDRUN-SCHEDULE-BASELINE",
      path: "bad/fn/scaling",
    },
    {
      title: "a cron with seconds (Cloud Scheduler takes 5 fields)",
      build: (app) => fn(app).addTrigger("tick", { schedule: { cron: "*/10 * * * * *" } }),
      code: "ZS-CLOUDRUN-CRON-SECONDS",
      path: "bad/fn/tick",
    },
    {
      title: "an http trigger with a host (no domain mapping)",
      build: (app) => fn(app).addTrigger("h", { http: { path: "/", host: "shop.example.com" } }),
      code: "ZS-CLOUDRUN-HTTP-HOST",
      path: "bad/fn/h",
    },
    {
      title: "3 CPUs (Cloud Run: 1, 2, 4, 6 or 8)",
      build: (app) => new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/p/r/fn:1", cpu: "3" }),
      code: "ZS-CLOUDRUN-CPU",
      path: "bad/fn",
    },
    {
      title: "10Gi of memory with 2 CPUs (above 8Gi needs 4)",
      build: (app) => new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/p/r/fn:1", cpu: "2", memory: "10Gi" }),
      code: "ZS-CLOUDRUN-MEMORY-CPU",
      path: "bad/fn",
    },
    {
      title: "a build function with no image to run",
      build: (app) => new ServerlessFunction(app, "fn", { build: { context: "fn" }, cpu: "1" }),
      code: "ZS-CLOUDRUN-IMAGE",
      path: "bad/fn",
      backend: () => cloudRun(),
    },
  ],
});
