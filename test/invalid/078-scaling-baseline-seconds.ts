// Invalid: scaling baseline seconds. Expected: ZS-SCALING-SCHEDULE-CRON at bad/fn/scaling (schedule.0.start).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-SCHEDULE-CRON", path: "bad/fn/scaling", prop: "schedule.0.start", message:
    "bad/fn/scaling: schedule.0.start (\"0 0 8 * * *\") is not a valid cron expression (it has 6 fields; 5 are needed; a seconds field is not supported here); use 5 fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\" or \"0 8 * * 1-5\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ schedule: [{ start: "0 0 8 * * *", end: "0 18 * * *", minInstances: 2 }] });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
