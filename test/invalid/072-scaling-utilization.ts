// Invalid: scaling utilization. Expected: ZS-SCALING-UTILIZATION at bad/fn/scaling (targetUtilizationPercent).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-UTILIZATION", path: "bad/fn/scaling", prop: "targetUtilizationPercent", message:
    "bad/fn/scaling: targetUtilizationPercent (0) is outside 1..100; set targetUtilizationPercent to a number from 1 to 100.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ targetUtilizationPercent: 0 });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
