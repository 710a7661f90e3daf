// Invalid: schedule bad minute. Expected: ZS-TRIGGER-SCHEDULE-CRON at bad/fn/s (schedule.cron).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-SCHEDULE-CRON", path: "bad/fn/s", prop: "schedule.cron", message:
    "bad/fn/s: schedule.cron (\"60 * * * *\") is not a valid cron expression (field 1, the minute, is \"60\", outside 0..59); use 5 fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\" or \"*/10 * * * *\"; a leading seconds field works only on the zeroscale gateway (Kubernetes backends take 5 fields).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("s", { schedule: { cron: "60 * * * *" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
