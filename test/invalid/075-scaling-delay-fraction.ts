// Invalid: scaling delay fraction. Expected: ZS-SCALING-DOWN-DELAY at bad/fn/scaling (scaleDownDelay).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-DOWN-DELAY", path: "bad/fn/scaling", prop: "scaleDownDelay", message:
    "bad/fn/scaling: scaleDownDelay (\"1.5s\") is not a whole number of seconds; round it to whole seconds within 0s..1h.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ scaleDownDelay: "1.5s" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
