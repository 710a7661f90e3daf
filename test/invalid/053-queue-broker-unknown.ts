// Invalid: queue broker unknown. Expected: ZS-SHAPE at bad/fn/q (queue.broker).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SHAPE", path: "bad/fn/q", prop: "queue.broker", message:
    "bad/fn/q: queue.broker (\"sqs\") is not an allowed value; use one of: \"redis\", \"rabbitmq\", \"kafka\", \"nats\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "sqs" as never, connection: "https://sqs", name: "q" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
