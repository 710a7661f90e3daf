// Invalid: scaling min negative. Expected: ZS-SCALING-MIN at bad/fn/scaling (minInstances).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-MIN", path: "bad/fn/scaling", prop: "minInstances", message:
    "bad/fn/scaling: minInstances (-1) is outside 0..1000; set minInstances to a whole number from 0 to 1000.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ minInstances: -1 });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
