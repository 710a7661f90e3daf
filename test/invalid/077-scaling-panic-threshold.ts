// Invalid: scaling panic threshold. Expected: ZS-SCALING-PANIC-THRESHOLD at bad/fn/scaling (burst.panicThresholdPercent).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-PANIC-THRESHOLD", path: "bad/fn/scaling", prop: "burst.panicThresholdPercent", message:
    "bad/fn/scaling: burst.panicThresholdPercent (2000) is outside 110..1000; set burst.panicThresholdPercent to a number from 110 to 1000.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ burst: { panicThresholdPercent: 2000 } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
