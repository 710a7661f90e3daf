// Invalid: scaling window short. Expected: ZS-SCALING-WINDOW at bad/fn/scaling (stableWindow).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-WINDOW", path: "bad/fn/scaling", prop: "stableWindow", message:
    "bad/fn/scaling: stableWindow (\"5s\") is outside 6s..1h; set stableWindow within 6s..1h.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ stableWindow: "5s" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
