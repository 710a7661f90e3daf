// Invalid: knative queue dead letter. Expected: ZS-KNATIVE-DEAD-LETTER-QUEUE at bad/fn/q (delivery.deadLetter.queue).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "knative";
export const expected = {
  code: "ZS-KNATIVE-DEAD-LETTER-QUEUE", path: "bad/fn/q", prop: "delivery.deadLetter.queue", message:
    "bad/fn/q: delivery.deadLetter.queue (\"orders-dlq\") is a queue, but a Knative deadLetterSink is an addressable (a Service or URI); send dead letters to a ServerlessFunction of the App (it may write them to a queue), or deploy with keda().",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "orders" }, delivery: { deadLetter: { queue: "orders-dlq" } } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
