// Invalid: queue name space. Expected: ZS-TRIGGER-QUEUE-NAME at bad/fn/q (queue.name).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-QUEUE-NAME", path: "bad/fn/q", prop: "queue.name", message:
    "bad/fn/q: queue.name (\"my orders\") is not a valid stream, queue, topic or subject name; use 1 to 249 characters without spaces.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "my orders" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
