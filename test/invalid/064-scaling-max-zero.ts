// Invalid: scaling max zero. Expected: ZS-SCALING-MAX at bad/fn/scaling (maxInstances).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-MAX", path: "bad/fn/scaling", prop: "maxInstances", message:
    "bad/fn/scaling: maxInstances (0) is outside 1..1000; set maxInstances to a whole number from 1 to 1000.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ maxInstances: 0 });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
