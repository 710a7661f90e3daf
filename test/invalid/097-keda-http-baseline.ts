// Invalid: keda http baseline. Expected: ZS-KEDA-HTTP-SCHEDULE-BASELINE at bad/fn/scaling (schedule).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "keda";
export const expected = {
  code: "ZS-KEDA-HTTP-SCHEDULE-BASELINE", path: "bad/fn/scaling", prop: "schedule", message:
    "bad/fn/scaling: schedule ([{\"start\":\"0 8 * * *\",\"end\":\"0 18 * * *\",\"timezone\":\"UTC\",\"minInstances\":2}]) cannot apply to an HTTP function: HTTPScaledObject has no cron scaler; raise minInstances instead, or move the baseline to a queue-driven function.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("http", { http: { path: "/a" } });
fn.addScalingPolicy({ schedule: [{ start: "0 8 * * *", end: "0 18 * * *", minInstances: 2 }] });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
