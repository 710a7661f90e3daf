// Invalid: schedule bad cron. Expected: ZS-TRIGGER-SCHEDULE-CRON at bad/fn/s (schedule.cron).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-SCHEDULE-CRON", path: "bad/fn/s", prop: "schedule.cron", message:
    "bad/fn/s: schedule.cron (\"* * *\") is not a valid cron expression (invalid configuration format ('* * *'), exactly five, six, or seven space separated parts are required.); use 5 or 6 fields, e.g. \"0 3 * * *\" or, with seconds, \"*/10 * * * * *\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("s", { schedule: { cron: "* * *" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
