// Invalid: queue kafka servers. Expected: ZS-TRIGGER-QUEUE-CONNECTION at bad/fn/q (queue.connection).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-QUEUE-CONNECTION", path: "bad/fn/q", prop: "queue.connection", message:
    "bad/fn/q: queue.connection (\"kafka://k\") is not a list of Kafka bootstrap servers; use host:port pairs separated by commas, e.g. \"kafka-0:9092,kafka-1:9092\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "kafka", connection: "kafka://k", name: "t" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
