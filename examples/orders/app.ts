// examples/orders: an HTTP API that enqueues orders to a Redis stream, a worker that consumes the
// stream (scaled on queue length, idle-zero), and a nightly reconciliation on a schedule.
import { App, Duration, ServerlessFunction } from "zeroscale";

/** Per-environment settings. */
export interface OrdersOptions {
  /** Where Redis is, without credentials. */
  readonly redisUrl: string;
  /** App name. @default "orders" */
  readonly name?: string;
}

export function buildOrdersApp(options: OrdersOptions): App {
  const app = new App({ name: options.name ?? "orders", labels: { team: "commerce" } });

  const api = new ServerlessFunction(app, "api", {
    code: { path: "src", handler: "api.js#handler" },
    memory: "128Mi",
    cpu: "100m",
    timeout: Duration.seconds(10),
    env: { REDIS_URL: options.redisUrl, ORDERS_STREAM: "orders" },
  });
  api.addTrigger("http", { http: { path: "/orders", methods: ["GET", "POST"] } });
  api.addTrigger("nightly", { schedule: { cron: "0 3 * * *", timezone: "UTC", data: { task: "reconcile" } } });
  api.addScalingPolicy({ maxInstances: 10, metric: { concurrency: 50 }, idleTimeout: "2m" });

  const worker = new ServerlessFunction(app, "worker", {
    code: { path: "src", handler: "worker.js#handler" },
    memory: "128Mi",
    cpu: "100m",
    concurrency: 10,
  });
  worker.addTrigger("orders", { queue: { broker: "redis", connection: options.redisUrl, name: "orders", consumerGroup: "workers" } });
  worker.addScalingPolicy({ minInstances: 0, maxInstances: 20, metric: { queueLength: 10 }, idleTimeout: "2m" });

  return app;
}

export const app = buildOrdersApp({ redisUrl: "redis://127.0.0.1:6379" });
export default app;
