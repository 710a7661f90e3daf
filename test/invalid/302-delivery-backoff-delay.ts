// Invalid: delivery.backoff.delay too small. Expected: ZS-TRIGGER-DELIVERY-BACKOFF at bad/fn/q (delivery.backoff.delay).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-DELIVERY-BACKOFF", path: "bad/fn/q", prop: "delivery.backoff.delay", message:
    "bad/fn/q: delivery.backoff.delay (\"1ms\") is outside 10ms..1h; use a duration within 10ms..1h, e.g. \"500ms\" or \"2s\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "orders" }, delivery: { backoff: { delay: "1ms" } } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
