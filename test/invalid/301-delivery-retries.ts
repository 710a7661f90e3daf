// Invalid: delivery.retries above 100. Expected: ZS-TRIGGER-DELIVERY-RETRIES at bad/fn/q (delivery.retries).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-DELIVERY-RETRIES", path: "bad/fn/q", prop: "delivery.retries", message:
    "bad/fn/q: delivery.retries (1000) is outside 0..100; set delivery.retries to a whole number from 0 to 100.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "orders" }, delivery: { retries: 1000 } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
