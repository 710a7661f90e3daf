// Invalid: scaling metric two keys. Expected: ZS-SCALING-METRIC at bad/fn/scaling (metric).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-METRIC", path: "bad/fn/scaling", prop: "metric", message:
    "bad/fn/scaling: metric ({\"rps\":1,\"cpu\":2}) is not one metric; pass an object with exactly one of concurrency, rps, cpu, memory, queueLength, e.g. { concurrency: 50 }.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ metric: { rps: 1, cpu: 2 } as never });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
