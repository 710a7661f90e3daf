// Invalid: queue batch. Expected: ZS-TRIGGER-QUEUE-BATCH at bad/fn/q (queue.batchSize).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-QUEUE-BATCH", path: "bad/fn/q", prop: "queue.batchSize", message:
    "bad/fn/q: queue.batchSize (0) is outside 1..1000; set queue.batchSize to a whole number from 1 to 1000.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "q", batchSize: 0 } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
