// Invalid: a dead letter to the trigger's own queue. Expected: ZS-TRIGGER-DEAD-LETTER at bad/fn/q (delivery.deadLetter.queue).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-DEAD-LETTER", path: "bad/fn/q", prop: "delivery.deadLetter.queue", message:
    "bad/fn/q: delivery.deadLetter.queue (\"orders\") is the queue the trigger consumes, so failed messages would be consumed again; name another stream, e.g. \"orders-dlq\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "orders" }, delivery: { deadLetter: { queue: "orders" } } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
