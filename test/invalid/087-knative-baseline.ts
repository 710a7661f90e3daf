// Invalid: knative baseline. Expected: ZS-KNATIVE-SCHEDULE-BASELINE at bad/fn/scaling (schedule).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "knative";
export const expected = {
  code: "ZS-KNATIVE-SCHEDULE-BASELINE", path: "bad/fn/scaling", prop: "schedule", message:
    "bad/fn/scaling: schedule ([{\"start\":\"0 8 * * *\",\"end\":\"0 18 * * *\",\"timezone\":\"UTC\",\"minInstances\":2}]) has no Knative equivalent (min-scale is static); remove the baselines, raise minInstances, or deploy this app with keda() (cron scaler).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ schedule: [{ start: "0 8 * * *", end: "0 18 * * *", minInstances: 2 }] });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
