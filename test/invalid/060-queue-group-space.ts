// Invalid: queue group space. Expected: ZS-TRIGGER-QUEUE-GROUP at bad/fn/q (queue.consumerGroup).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-QUEUE-GROUP", path: "bad/fn/q", prop: "queue.consumerGroup", message:
    "bad/fn/q: queue.consumerGroup (\"my group\") is not a valid consumer group; use a name without spaces, or leave it out for the trigger's derived name.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "q", consumerGroup: "my group" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
