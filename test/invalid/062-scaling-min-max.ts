// Invalid: scaling min max. Expected: ZS-SCALING-MIN-MAX at bad/fn/scaling (maxInstances).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-MIN-MAX", path: "bad/fn/scaling", prop: "maxInstances", message:
    "bad/fn/scaling: maxInstances (2) is below minInstances (5); set maxInstances >= 5 or lower minInstances.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ minInstances: 5, maxInstances: 2 });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
