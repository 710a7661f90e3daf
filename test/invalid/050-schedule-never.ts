// Invalid: schedule never. Expected: ZS-TRIGGER-SCHEDULE-CRON at bad/fn/s (schedule.cron).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-SCHEDULE-CRON", path: "bad/fn/s", prop: "schedule.cron", message:
    "bad/fn/s: schedule.cron (\"0 0 30 2 *\") never fires; use a date that exists, e.g. \"0 3 * * *\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("s", { schedule: { cron: "0 0 30 2 *" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
