// Invalid: scaling baseline above max. Expected: ZS-SCALING-SCHEDULE-MIN at bad/fn/scaling (schedule.0.minInstances).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-SCHEDULE-MIN", path: "bad/fn/scaling", prop: "schedule.0.minInstances", message:
    "bad/fn/scaling: schedule.0.minInstances (4) is above maxInstances (3); set it <= 3 or raise maxInstances.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ maxInstances: 3, schedule: [{ start: "0 8 * * *", end: "0 18 * * *", minInstances: 4 }] });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
