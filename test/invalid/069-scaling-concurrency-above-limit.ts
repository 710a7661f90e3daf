// Invalid: scaling concurrency above limit. Expected: ZS-SCALING-METRIC-ABOVE-LIMIT at bad/fn/scaling (metric.concurrency).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-METRIC-ABOVE-LIMIT", path: "bad/fn/scaling", prop: "metric.concurrency", message:
    "bad/fn/scaling: metric.concurrency (20) is above the function's concurrency limit (10); set metric.concurrency <= 10, or raise concurrency on bad/fn.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", concurrency: 10 });
fn.addScalingPolicy({ metric: { concurrency: 20 } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
