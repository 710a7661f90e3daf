// Invalid: schedule bad cron. Expected: ZS-TRIGGER-SCHEDULE-CRON at bad/fn/s (schedule.cron).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-SCHEDULE-CRON", path: "bad/fn/s", prop: "schedule.cron", message:
    "bad/fn/s: schedule.cron (\"* * *\") is not a valid cron expression (it has 3 fields; 5, or 6 starting with seconds, are needed); use 5 fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\" or \"*/10 * * * *\"; a leading seconds field works only on the zeroscale gateway (Kubernetes backends take 5 fields).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("s", { schedule: { cron: "* * *" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
