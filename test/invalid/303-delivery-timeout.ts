// Invalid: delivery.timeout above the function timeout. Expected: ZS-TRIGGER-DELIVERY-TIMEOUT at bad/fn/q (delivery.timeout).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-DELIVERY-TIMEOUT", path: "bad/fn/q", prop: "delivery.timeout", message:
    "bad/fn/q: delivery.timeout (\"10m\") is outside 1s..5m; set delivery.timeout within 1s..5m.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "orders" }, delivery: { timeout: "10m" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
