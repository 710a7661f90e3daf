// Invalid: scaling memory percent. Expected: ZS-SCALING-METRIC at bad/fn/scaling (metric.memory).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-METRIC", path: "bad/fn/scaling", prop: "metric.memory", message:
    "bad/fn/scaling: metric.memory (101) is outside 1..100 (percent of the memory request); set metric.memory from 1 to 100, a whole number.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ minInstances: 1, metric: { memory: 101 } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
