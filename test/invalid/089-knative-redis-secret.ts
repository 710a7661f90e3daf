// Invalid: knative redis secret. Expected: ZS-KNATIVE-QUEUE-REDIS at bad/fn/q (queue.connection).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "knative";
export const expected = {
  code: "ZS-KNATIVE-QUEUE-REDIS", path: "bad/fn/q", prop: "queue.connection", message:
    "bad/fn/q: queue.connection ({\"secret\":\"r\",\"key\":\"url\"}) is a secret reference, but RedisStreamSource takes its address in the manifest; pass the Redis URL (without credentials) as connection.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "redis", connection: { secret: "r", key: "url" }, name: "q" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
