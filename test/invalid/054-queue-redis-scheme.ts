// Invalid: queue redis scheme. Expected: ZS-TRIGGER-QUEUE-CONNECTION at bad/fn/q (queue.connection).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-QUEUE-CONNECTION", path: "bad/fn/q", prop: "queue.connection", message:
    "bad/fn/q: queue.connection (\"http://r:6379\") has scheme http: which redis does not use; use redis: or rediss: e.g. \"redis://cache:6379\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "redis", connection: "http://r:6379", name: "q" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
