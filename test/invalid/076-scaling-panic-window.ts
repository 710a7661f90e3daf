// Invalid: scaling panic window. Expected: ZS-SCALING-PANIC-WINDOW at bad/fn/scaling (burst.panicWindowPercent).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-PANIC-WINDOW", path: "bad/fn/scaling", prop: "burst.panicWindowPercent", message:
    "bad/fn/scaling: burst.panicWindowPercent (0) is outside 1..100; set burst.panicWindowPercent to a number from 1 to 100.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ burst: { panicWindowPercent: 0 } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
