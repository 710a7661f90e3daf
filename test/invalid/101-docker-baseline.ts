// Invalid: docker baseline. Expected: ZS-DOCKER-SCHEDULE-BASELINE at bad/fn/scaling (schedule).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "docker";
export const expected = {
  code: "ZS-DOCKER-SCHEDULE-BASELINE", path: "bad/fn/scaling", prop: "schedule", message:
    "bad/fn/scaling: schedule ([{\"start\":\"0 8 * * *\",\"end\":\"0 18 * * *\",\"timezone\":\"UTC\",\"minInstances\":2}]) is not supported by the gateway yet; raise minInstances, or deploy with keda() (cron scaler).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ schedule: [{ start: "0 8 * * *", end: "0 18 * * *", minInstances: 2 }] });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
