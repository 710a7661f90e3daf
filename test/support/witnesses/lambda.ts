// Witnesses of the lambda() backend's diagnostic codes that no test/invalid/ program produces (test/support/witness.ts).
import { fnApp, http, type Witness, type Witnesses } from "../witness.js";

const ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/w";
const on = (app: Witness["app"], options: Record<string, unknown> = { registry: ECR }): Witness => ({ backend: "lambda", options, app });
const kafka = { queue: { broker: "kafka" as const, connection: "k:9092", name: "orders" } };

export const WITNESSES: Witnesses = {
  "ZS-LAMBDA-REGISTRY": on(fnApp(http), { registry: "registry.example.com/w" }),
  "ZS-LAMBDA-QUEUE-ARN": on(fnApp((fn) => fn.addTrigger("q", kafka)), { registry: ECR, kafkaClusters: { "w/fn/q": "not-an-arn" } }),
  "ZS-LAMBDA-METRIC": on(fnApp((fn) => fn.addScalingPolicy({ metric: { rps: 20 } }))),
  "ZS-LAMBDA-UTILIZATION": on(fnApp((fn) => fn.addScalingPolicy({ metric: { concurrency: 1 }, targetUtilizationPercent: 50 }))),
  "ZS-LAMBDA-INITIAL": on(fnApp((fn) => fn.addScalingPolicy({ initialInstances: 3 }))),
  "ZS-LAMBDA-IDLE": on(fnApp((fn) => fn.addScalingPolicy({ idleTimeout: "30s" }))),
  "ZS-LAMBDA-DOWN-DELAY": on(fnApp((fn) => fn.addScalingPolicy({ minInstances: 1, scaleDownDelay: "30s" }))),
  "ZS-LAMBDA-WINDOW": on(fnApp((fn) => fn.addScalingPolicy({ minInstances: 1, stableWindow: "30s" }))),
  "ZS-LAMBDA-BURST": on(fnApp((fn) => fn.addScalingPolicy({ minInstances: 1, burst: { panicWindowPercent: 20 } }))),
  "ZS-LAMBDA-COLD-START": on(fnApp((fn) => { http(fn); fn.addScalingPolicy({ coldStart: { reject: true } }); })),
  "ZS-LAMBDA-CONCURRENCY": on(fnApp(http, { concurrency: 10 })),
  "ZS-LAMBDA-CPU": on(fnApp(http, { cpu: "1", memory: "512Mi" })),
  "ZS-LAMBDA-ADAPTER": on(fnApp(http, { image: `${ECR}/fn:1.0.0` }), {}),
  "ZS-LAMBDA-SECRET-ENV": on(fnApp(http, { secrets: { DB_URL: { secret: "w-db", key: "url" } } })),
  "ZS-LAMBDA-HTTP-TIMEOUT": on(fnApp(http, { timeout: "60s" })),
  "ZS-LAMBDA-HTTP-IAM": on(fnApp(http)),
  "ZS-LAMBDA-UNRESERVED": on(fnApp((fn) => fn.addScalingPolicy({ maxInstances: 50 })), { registry: ECR, reserveConcurrency: false }),
  "ZS-LAMBDA-RESERVED-SUM": on(fnApp((fn) => fn.addScalingPolicy({ maxInstances: 950 }))),
  // A schedule's default delivery: Lambda retries an asynchronous invocation at most twice, 1 and 2 minutes apart.
  "ZS-LAMBDA-DELIVERY": on(fnApp((fn) => fn.addTrigger("s", { schedule: { cron: "0 3 * * *" } }))),
  "ZS-LAMBDA-URL-ROUTES": on(fnApp((fn) => fn.addTrigger("h", { http: { path: "/api" } })), { registry: ECR, http: "functionUrl" }),
};
