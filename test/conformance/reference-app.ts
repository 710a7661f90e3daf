import { App, ServerlessFunction } from "zeroscale";

/** The reference app every backend must realise: HTTP + schedule, a queue consumer, an always-on service. */
export function referenceApp(): App {
  const app = new App({ name: "ref", labels: { team: "platform" } });
  const api = new ServerlessFunction(app, "api", { image: "registry.example.com/ref/api:1.0.0", secrets: { DB_URL: { secret: "ref-db", key: "url" } } });
  api.addTrigger("http", { http: { path: "/api" } });
  api.addTrigger("nightly", { schedule: { cron: "0 3 * * *", timezone: "Europe/Berlin", data: { task: "report" } } });
  api.addScalingPolicy({ minInstances: 0, maxInstances: 8, metric: { concurrency: 40 } });

  const worker = new ServerlessFunction(app, "worker", { image: "registry.example.com/ref/worker:1.0.0", concurrency: 10 });
  worker.addTrigger("orders", { queue: { broker: "redis", connection: "redis://redis:6379", name: "orders" } });
  worker.addScalingPolicy({ minInstances: 0, maxInstances: 20, metric: { queueLength: 10 }, idleTimeout: "2m" });

  const steady = new ServerlessFunction(app, "steady", { build: { context: "steady" } });
  steady.addTrigger("http", { http: { path: "/steady", methods: ["GET"] } });
  steady.addScalingPolicy({ minInstances: 2, maxInstances: 4, metric: { rps: 50 } });
  return app;
}
