// Invalid: delivery on an http trigger. Expected: ZS-TRIGGER-DELIVERY-HTTP at bad/fn/api (delivery).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-DELIVERY-HTTP", path: "bad/fn/api", prop: "delivery", message:
    "bad/fn/api: delivery ({\"retries\":2}) is set on an http trigger, whose requests are answered to their client and never retried; remove delivery, or use a queue trigger for work that must be retried.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("api", { http: { path: "/api" }, delivery: { retries: 2 } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
