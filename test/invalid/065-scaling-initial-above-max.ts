// Invalid: scaling initial above max. Expected: ZS-SCALING-INITIAL at bad/fn/scaling (initialInstances).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-INITIAL", path: "bad/fn/scaling", prop: "initialInstances", message:
    "bad/fn/scaling: initialInstances (3) is above maxInstances (2); set initialInstances <= 2.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ maxInstances: 2, initialInstances: 3 });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
