// Invalid: keda queue rps. Expected: ZS-KEDA-QUEUE-RPS at bad/fn/scaling (metric.rps).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "keda";
export const expected = {
  code: "ZS-KEDA-QUEUE-RPS", path: "bad/fn/scaling", prop: "metric.rps", message:
    "bad/fn/scaling: metric.rps (5) needs the HTTP add-on, which only sees HTTP traffic; this function consumes a queue; scale on queueLength.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "q" } });
fn.addScalingPolicy({ metric: { rps: 5 } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
