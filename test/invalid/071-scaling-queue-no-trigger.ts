// Invalid: scaling queue no trigger. Expected: ZS-SCALING-QUEUE-NO-TRIGGER at bad/fn/scaling (metric.queueLength).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-QUEUE-NO-TRIGGER", path: "bad/fn/scaling", prop: "metric.queueLength", message:
    "bad/fn/scaling: metric.queueLength (5) needs a queue trigger on bad/fn, which has none; add an EventTrigger with a queue source for the function, or scale on concurrency or rps.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ metric: { queueLength: 5 } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
