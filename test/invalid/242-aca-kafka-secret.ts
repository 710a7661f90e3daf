// Invalid: aca kafka connection from a secret. Expected: ZS-ACA-QUEUE-KAFKA at bad/fn/k (queue.connection).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "aca" | undefined = "aca";
export const expected = {
  code: "ZS-ACA-QUEUE-KAFKA", path: "bad/fn/k", prop: "queue.connection", message:
    "bad/fn/k: queue.connection ({\"secret\":\"kafka\",\"key\":\"servers\"}) is a secret reference, but the kafka scale rule takes bootstrapServers in its metadata; pass the bootstrap servers as connection, e.g. \"kafka-0:9092,kafka-1:9092\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("k", { queue: { broker: "kafka", connection: { secret: "kafka", key: "servers" }, name: "events" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
