// Invalid: aca 6-field cron. Expected: ZS-ACA-CRON-SECONDS at bad/fn/tick (schedule.cron).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "aca" | undefined = "aca";
export const expected = {
  code: "ZS-ACA-CRON-SECONDS", path: "bad/fn/tick", prop: "schedule.cron", message:
    "bad/fn/tick: schedule.cron (\"*/30 * * * * *\") has a seconds field, which a Container Apps job's cronExpression does not support; use a 5-field cron expression.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("tick", { schedule: { cron: "*/30 * * * * *", timezone: "UTC" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
