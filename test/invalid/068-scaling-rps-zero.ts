// Invalid: scaling rps zero. Expected: ZS-SCALING-METRIC at bad/fn/scaling (metric.rps).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-METRIC", path: "bad/fn/scaling", prop: "metric.rps", message:
    "bad/fn/scaling: metric.rps (0) is outside 0.01..100000 (requests per second per instance); set metric.rps from 0.01 to 100000.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ metric: { rps: 0 } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
