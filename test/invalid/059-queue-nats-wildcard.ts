// Invalid: queue nats wildcard. Expected: ZS-TRIGGER-QUEUE-NAME at bad/fn/q (queue.name).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-QUEUE-NAME", path: "bad/fn/q", prop: "queue.name", message:
    "bad/fn/q: queue.name (\"orders.*\") is not a literal NATS subject; use dot-separated tokens without wildcards, e.g. \"orders.created\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "nats", connection: "nats://n:4222", name: "orders.*" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
