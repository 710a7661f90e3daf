// Invalid: docker secret connection. Expected: ZS-DOCKER-QUEUE-CONNECTION at bad/fn/q (queue.connection).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "docker";
export const expected = {
  code: "ZS-DOCKER-QUEUE-CONNECTION", path: "bad/fn/q", prop: "queue.connection", message:
    "bad/fn/q: queue.connection ({\"secret\":\"r\",\"key\":\"url\"}) is a secret reference, but the gateway's config holds no secrets; pass the broker URL without credentials (authenticate on a private network).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "redis", connection: { secret: "r", key: "url" }, name: "q" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
