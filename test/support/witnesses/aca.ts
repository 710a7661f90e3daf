// Witnesses of the aca() backend's diagnostic codes that no test/invalid/ program produces (test/support/witness.ts).
import { fnApp, http, redis, type Witnesses } from "../witness.js";

export const WITNESSES: Witnesses = {
  "ZS-ACA-RESOURCES": { backend: "aca", app: fnApp(http, { cpu: "300m", memory: "256Mi" }) },
  "ZS-ACA-TIMEOUT": { backend: "aca", app: fnApp(http, { timeout: "5m" }) },
  "ZS-ACA-HTTP-ROUTE": { backend: "aca", app: fnApp((fn) => fn.addTrigger("h", { http: { path: "/api" } })) },
  "ZS-ACA-INGRESS-INTERNAL": { backend: "aca", app: fnApp(http) },
  "ZS-ACA-QUEUE-PULL": { backend: "aca", app: fnApp(redis) },
  "ZS-ACA-NATS-MONITORING": { backend: "aca", app: fnApp((fn) => fn.addTrigger("n", { queue: { broker: "nats", connection: "nats://n:4222", name: "orders" } })) },
  "ZS-ACA-RESOURCE-ZERO": { backend: "aca", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ metric: { cpu: 70 } }))) },
  "ZS-ACA-INITIAL": { backend: "aca", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ initialInstances: 3, maxInstances: 5 }))) },
  "ZS-ACA-HTTP-CONCURRENCY": { backend: "aca", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ metric: { concurrency: 10 } }))) },
  "ZS-ACA-HTTP-TARGET": { backend: "aca", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ metric: { rps: 3 }, targetUtilizationPercent: 70 }))) },
  "ZS-ACA-WINDOW": { backend: "aca", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ stableWindow: "2m" }))) },
  "ZS-ACA-QUEUE-METRIC": { backend: "aca", app: fnApp((fn) => (redis(fn), fn.addScalingPolicy({ metric: { concurrency: 5 } }))) },
  "ZS-ACA-RULE-DEFAULT": { backend: "aca", app: fnApp((fn) => (http(fn), redis(fn), fn.addScalingPolicy({ metric: { queueLength: 5 } }))) },
  "ZS-ACA-DOWN-DELAY": { backend: "aca", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ scaleDownDelay: "1m" }))) },
  "ZS-ACA-BURST": { backend: "aca", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ burst: { panicThresholdPercent: 300 } }))) },
  "ZS-ACA-COLD-START": { backend: "aca", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ coldStart: { reject: true } }))) },
};
